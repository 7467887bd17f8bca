"""Words as tuples with a per-word recount of changed words; GPT-2's lowest-rank-first encode; lists out."""
from collections import Counter, defaultdict


def merge(word, a, b):
    new, i = [], 0
    while i < len(word):
        if word[i] == a and i < len(word) - 1 and word[i + 1] == b:
            new.append(a + b)
            i += 2
        else:
            new.append(word[i])
            i += 1
    return tuple(new)


def pair_counts(word):
    c = Counter()
    for i in range(len(word) - 1):
        c[word[i], word[i + 1]] += 1
    return c


def learn_bpe(corpus, num_merges, min_frequency=2):
    if num_merges < 0:
        raise ValueError("num_merges < 0")
    if min_frequency < 1:
        raise ValueError("min_frequency < 1")
    vocab = Counter(tuple(w) for w in corpus.split())
    stats = defaultdict(int)
    for word, f in vocab.items():
        for p, c in pair_counts(word).items():
            stats[p] += c * f
    merges = []
    while len(merges) < num_merges:
        live = {p: c for p, c in stats.items() if c > 0}
        if not live:
            break
        top = max(live.values())
        if top < min_frequency:
            break
        a, b = max(p for p in live if live[p] == top)
        merges.append([a, b])
        new_vocab = Counter()
        for word, f in vocab.items():
            if len(word) > 1 and (a, b) in pair_counts(word):
                new_word = merge(word, a, b)
                for p, c in pair_counts(word).items():
                    stats[p] -= c * f
                for p, c in pair_counts(new_word).items():
                    stats[p] += c * f
                word = new_word
            new_vocab[word] += f
        vocab = new_vocab
    return merges


def encode(text, merges):
    ranks = {}
    for i, (a, b) in enumerate(merges):
        ranks.setdefault((a, b), i)
    out = []
    for w in text.split():
        word = tuple(w)
        while len(word) > 1:
            candidates = [(ranks[p], p) for p in zip(word, word[1:]) if p in ranks]
            if not candidates:
                break
            _, (a, b) = min(candidates)
            word = merge(word, a, b)
        out.append(list(word))
    return out
