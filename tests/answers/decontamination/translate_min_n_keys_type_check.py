import string

_T = str.maketrans("", "", string.punctuation)


def find_contaminated(train_docs, benchmark, n=13):
    if type(n) is not int or n < 1:
        raise ValueError("n must be an int >= 1")
    tok = lambda s: [w for w in s.lower().translate(_T).split() if w]
    keys = set()
    lens = set()
    for ex in benchmark:
        t = tok(ex)
        if not t:
            continue
        m = min(n, len(t))
        lens.add(m)
        for i in range(len(t) - m + 1):
            keys.add(tuple(t[i:i + m]))
    res = []
    for idx, doc in enumerate(train_docs):
        t = tok(doc)
        if any(tuple(t[i:i + m]) in keys for m in lens for i in range(len(t) - m + 1)):
            res.append(idx)
    return res
