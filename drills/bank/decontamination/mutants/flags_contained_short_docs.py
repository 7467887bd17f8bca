"""Also flags a document shorter than n when its whole token sequence appears in a benchmark example (the short rule applied the wrong way round)."""
import string

_STRIP = str.maketrans("", "", string.punctuation)


def tokens(text):
    """Lowercase, split on whitespace, delete ASCII punctuation inside each word, drop empty words."""
    words = (w.translate(_STRIP) for w in text.lower().split())
    return [w for w in words if w]


def ngrams(toks, n):
    return {tuple(toks[i:i + n]) for i in range(len(toks) - n + 1)}


def find_contaminated(train_docs, benchmark, n=13):
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be an int >= 1, got {n!r}")
    keys = {}  # length -> set of token tuples: n-grams of long items, whole short items
    for item in benchmark:
        toks = tokens(item)
        if len(toks) >= n:
            keys.setdefault(n, set()).update(ngrams(toks, n))
        elif toks:
            keys.setdefault(len(toks), set()).add(tuple(toks))
    bench_tokens = [tokens(item) for item in benchmark]
    flagged = []
    for index, doc in enumerate(train_docs):
        toks = tokens(doc)
        if 0 < len(toks) < n and any(tuple(toks) in ngrams(b, len(toks)) for b in bench_tokens):
            flagged.append(index)
            continue
        if any(not grams.isdisjoint(ngrams(toks, length)) for length, grams in keys.items()):
            flagged.append(index)
    return flagged
