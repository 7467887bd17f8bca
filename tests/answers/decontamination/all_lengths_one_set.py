import string

TABLE = str.maketrans("", "", string.punctuation)


def grams_upto(tokens, n):
    """Every m-gram of the tokens for m = 1..n, as tuples (tuples of different lengths never collide)."""
    for m in range(1, n + 1):
        for i in range(len(tokens) - m + 1):
            yield tuple(tokens[i:i + m])


def find_contaminated(train_docs, benchmark, n=13):
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError(n)
    tok = lambda s: [w for w in s.lower().translate(TABLE).split()]
    bad = set()
    for ex in benchmark:
        t = tok(ex)
        if len(t) >= n:
            bad.update(tuple(t[i:i + n]) for i in range(len(t) - n + 1))
        elif t:
            bad.add(tuple(t))
    return [i for i, d in enumerate(train_docs) if not bad.isdisjoint(grams_upto(tok(d), n))]
