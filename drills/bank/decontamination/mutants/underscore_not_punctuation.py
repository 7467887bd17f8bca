"""Deletes punctuation with a hand-typed set that misses the underscore: string.punctuation includes '_', so 'my_func' must become 'myfunc'."""
import re

_PUNCT = re.compile(r"""[!"#$%&'()*+,\-./:;<=>?@\[\\\]^`{|}~]""")


def tokens(text):
    return [w for w in (_PUNCT.sub("", x) for x in text.lower().split()) if w]


def find_contaminated(train_docs, benchmark, n=13):
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be an int >= 1, got {n!r}")
    keys = {}
    for item in benchmark:
        t = tokens(item)
        if not t:
            continue
        m = min(n, len(t))
        keys.setdefault(m, set()).update(tuple(t[i:i + m]) for i in range(len(t) - m + 1))
    out = []
    for idx, doc in enumerate(train_docs):
        t = tokens(doc)
        if any(tuple(t[i:i + m]) in s for m, s in keys.items() for i in range(len(t) - m + 1)):
            out.append(idx)
    return out
