def _merge(sym, pair):
    if len(sym) < 2:
        return list(sym)
    if (sym[0], sym[1]) == pair:
        return [sym[0] + sym[1]] + _merge(sym[2:], pair)
    return [sym[0]] + _merge(sym[1:], pair)


def learn_bpe(corpus, num_merges, min_frequency=2):
    if num_merges < 0:
        raise ValueError("num_merges")
    if min_frequency < 1:
        raise ValueError("min_frequency")
    freq = {}
    for w in corpus.split():
        freq[w] = freq.get(w, 0) + 1
    segs = {w: list(w) for w in freq}
    merges = []
    for _ in range(num_merges):
        stats = {}
        for w, f in freq.items():
            s = segs[w]
            for i in range(len(s) - 1):
                stats[(s[i], s[i + 1])] = stats.get((s[i], s[i + 1]), 0) + f
        if not stats:
            break
        best = max(stats, key=lambda x: (stats[x], x))
        if stats[best] < min_frequency:
            break
        merges.append(best)
        for w in segs:
            segs[w] = _merge(segs[w], best)
    return merges


def encode(text, merges):
    ranks = {tuple(p): i for i, p in enumerate(merges)}
    out = []
    for w in text.split():
        sym = list(w)
        while len(sym) > 1:
            pairs = [(sym[i], sym[i + 1]) for i in range(len(sym) - 1)]
            cand = [p for p in pairs if p in ranks]
            if not cand:
                break
            best = min(cand, key=lambda p: ranks[p])
            sym = _merge(sym, best)
        out.append(sym)
    return out
