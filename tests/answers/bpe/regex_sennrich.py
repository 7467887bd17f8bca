"""The paper's Algorithm 1: words as space-joined symbol strings, a guarded regex for each merge."""
import collections
import re


def _pattern(pair):
    return re.compile(r"(?<!\S)" + re.escape(pair[0] + " " + pair[1]) + r"(?!\S)")


def learn_bpe(corpus, num_merges, min_frequency=2):
    if num_merges < 0 or min_frequency < 1:
        raise ValueError("num_merges must be >= 0 and min_frequency >= 1")
    vocab = collections.Counter(" ".join(w) for w in corpus.split())
    merges = []
    for _ in range(num_merges):
        pairs = collections.defaultdict(int)
        for word, freq in vocab.items():
            symbols = word.split(" ")
            for i in range(len(symbols) - 1):
                pairs[symbols[i], symbols[i + 1]] += freq
        if not pairs:
            break
        best = max(pairs, key=lambda p: (pairs[p], p))
        if pairs[best] < min_frequency:
            break
        merges.append(best)
        p = _pattern(best)
        vocab = collections.Counter({p.sub(best[0] + best[1], w): f for w, f in vocab.items()})
    return merges


def encode(text, merges):
    compiled = [(_pattern(m), m[0] + m[1]) for m in merges]
    result = []
    for word in text.split():
        s = " ".join(word)
        for p, joined in compiled:
            s = p.sub(joined, s)
        result.append(s.split(" "))
    return result
