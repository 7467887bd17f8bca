"""Counts each distinct word once: pair counts ignore how often the word occurs in the corpus."""

from collections import Counter


def _merge(symbols, pair):
    """Replace each occurrence of pair[0], pair[1] by one symbol, scanning left to right."""
    a, b = pair
    out, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and symbols[i] == a and symbols[i + 1] == b:
            out.append(a + b)
            i += 2  # continue after the new symbol: [a, a, a] -> [aa, a]
        else:
            out.append(symbols[i])
            i += 1
    return out


def learn_bpe(corpus, num_merges, min_frequency=2):
    if num_merges < 0:
        raise ValueError(f"num_merges must be >= 0, got {num_merges}")
    if min_frequency < 1:
        raise ValueError(f"min_frequency must be >= 1, got {min_frequency}")
    freq = Counter(corpus.split())
    words = {w: list(w) for w in freq}
    merges = []
    while len(merges) < num_merges:
        counts = Counter()
        for w, f in freq.items():
            s = words[w]
            for pair in zip(s, s[1:]):  # every position, overlapping ones too
                counts[pair] += 1
        if not counts:
            break
        best = max(counts.values())
        if best < min_frequency:
            break
        pair = max(p for p, c in counts.items() if c == best)  # ties: the largest pair
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
