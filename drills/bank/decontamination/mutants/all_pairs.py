"""Compares every document with every benchmark example (n-gram sets per pair): right answers, quadratic time."""
import string

_STRIP = str.maketrans("", "", string.punctuation)


def _tokens(text):
    return [w for w in (w.translate(_STRIP) for w in text.lower().split()) if w]


def _grams(toks, n):
    return {tuple(toks[i:i + n]) for i in range(len(toks) - n + 1)}


def find_contaminated(train_docs, benchmark, n=13):
    if not isinstance(n, int) or n < 1:
        raise ValueError("n")
    items = []
    for item in benchmark:
        toks = _tokens(item)
        if len(toks) >= n:
            items.append((n, _grams(toks, n)))
        elif toks:
            items.append((len(toks), {tuple(toks)}))
    out = []
    for i, doc in enumerate(train_docs):
        toks = _tokens(doc)
        cache = {}
        for m, grams in items:
            if m not in cache:
                cache[m] = _grams(toks, m)
            if not grams.isdisjoint(cache[m]):
                out.append(i)
                break
    return out
