_MAP1 = {"first": "a", "second": "b", "tie": "tie"}
_MAP2 = {"first": "b", "second": "a", "tie": "tie"}


def _call(judge, q, x, y):
    r = judge(q, x, y)
    if not isinstance(r, str) or r not in _MAP1:
        raise ValueError(f"judge returned {r!r}")
    return r


def _both(question, answer_a, answer_b, judge):
    r1 = _call(judge, question, answer_a, answer_b)
    r2 = _call(judge, question, answer_b, answer_a)
    v1, v2 = _MAP1[r1], _MAP2[r2]
    if v1 == v2:
        return (v1, True), r1, r2
    return ("tie", False), r1, r2


def swap_verdict(question, answer_a, answer_b, judge):
    return _both(question, answer_a, answer_b, judge)[0]


def evaluate_pairs(pairs, judge):
    pairs = list(pairs)
    if not pairs:
        raise ValueError("no pairs")
    verdicts, cons, bf, bs = [], 0, 0, 0
    for q, a, b in pairs:
        (v, c), r1, r2 = _both(q, a, b, judge)
        verdicts.append(v)
        cons += c
        bf += r1 == r2 == "first"
        bs += r1 == r2 == "second"
    n = len(pairs)
    return {
        "verdicts": verdicts,
        "consistency": cons / n,
        "win_rate_a": verdicts.count("a") / n,
        "win_rate_b": verdicts.count("b") / n,
        "tie_rate": verdicts.count("tie") / n,
        "biased_first": bf / n,
        "biased_second": bs / n,
    }
