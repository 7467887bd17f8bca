"""encode turns the given merges into tuples in place (merges[i] = tuple(m)) to build its rank table: merges written as 2-item lists are modified."""
from collections import Counter


def _merge(word, a, b):
    out, i = [], 0
    while i < len(word):
        if i + 1 < len(word) and word[i] == a and word[i + 1] == b:
            out.append(a + b)
            i += 2
        else:
            out.append(word[i])
            i += 1
    return out


def learn_bpe(corpus, num_merges, min_frequency=2):
    if num_merges < 0 or min_frequency < 1:
        raise ValueError("num_merges must be >= 0 and min_frequency >= 1")
    vocab = {tuple(w): c for w, c in Counter(corpus.split()).items()}
    merges = []
    while len(merges) < num_merges:
        stats = Counter()
        for w, c in vocab.items():
            for p in zip(w, w[1:]):
                stats[p] += c
        if not stats:
            break
        best = max(stats, key=lambda x: (stats[x], x))
        if stats[best] < min_frequency:
            break
        merges.append(best)
        new = Counter()
        for w, c in vocab.items():
            new[tuple(_merge(list(w), *best))] += c
        vocab = dict(new)
    return merges


def encode(text, merges):
    for i, m in enumerate(merges):
        merges[i] = tuple(m)
    out = []
    for w in text.split():
        sym = list(w)
        for a, b in merges:
            sym = _merge(sym, a, b)
        out.append(sym)
    return out
