"""Symbols kept in one flat list per distinct word with an in-place index scan; tuples of tuples out."""


def learn_bpe(corpus, num_merges, min_frequency=2):
    if not (isinstance(num_merges, int) and num_merges >= 0):
        raise ValueError("num_merges must be a non-negative int")
    if min_frequency < 1:
        raise ValueError("min_frequency must be at least 1")
    freqs = {}
    for w in corpus.split():
        freqs[w] = freqs.get(w, 0) + 1
    words = [[list(w), f] for w, f in freqs.items()]
    merges = []
    for _ in range(num_merges):
        counts = {}
        for syms, f in words:
            for i in range(len(syms) - 1):
                key = (syms[i], syms[i + 1])
                counts[key] = counts.get(key, 0) + f
        if not counts:
            break
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], tuple(-ord(ch) for ch in kv[0][0]) + (1,), tuple(-ord(ch) for ch in kv[0][1]) + (1,)))
        pair, count = ranked[0]
        if count < min_frequency:
            break
        merges.append(pair)
        for entry in words:
            syms = entry[0]
            i = 0
            while i < len(syms) - 1:
                if syms[i] == pair[0] and syms[i + 1] == pair[1]:
                    syms[i:i + 2] = [pair[0] + pair[1]]
                i += 1
    return tuple(merges)


def encode(text, merges):
    result = []
    for w in text.split():
        syms = list(w)
        for a, b in merges:
            i = 0
            while i < len(syms) - 1:
                if syms[i] == a and syms[i + 1] == b:
                    syms[i:i + 2] = [a + b]
                i += 1
        result.append(tuple(syms))
    return tuple(result)
