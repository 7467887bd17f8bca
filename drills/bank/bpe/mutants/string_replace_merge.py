"""The classic bug: merges with str.replace on space-joined symbols without boundary checks, so the pair
(e, s) also fires inside 'he s' and turns [t, he, s] into [t, hes]."""

from collections import Counter


def _merge(symbols, pair):
    return " ".join(symbols).replace(" ".join(pair), "".join(pair)).split(" ")


def learn_bpe(corpus, num_merges, min_frequency=2):
    if num_merges < 0 or min_frequency < 1:
        raise ValueError("bad arguments")
    freq = Counter(corpus.split())
    words = {w: list(w) for w in freq}
    merges = []
    while len(merges) < num_merges:
        counts = Counter()
        for w, f in freq.items():
            s = words[w]
            for pair in zip(s, s[1:]):
                counts[pair] += f
        if not counts:
            break
        best = max(counts.values())
        if best < min_frequency:
            break
        pair = max(p for p, c in counts.items() if c == best)
        merges.append(pair)
        for w in words:
            words[w] = _merge(words[w], pair)
    return merges


def encode(text, merges):
    out = []
    for word in text.split():
        symbols = list(word)
        for pair in merges:
            symbols = _merge(symbols, pair)
        out.append(symbols)
    return out
