"""Outcome labels per pair collected first, then a Counter; fractions.Fraction converted to float."""
from collections import Counter
from fractions import Fraction

_VALID = {"first", "second", "tie"}


def _call(judge, *args):
    out = judge(*args)
    if not isinstance(out, str) or out not in _VALID:
        raise ValueError(f"invalid judge output {out!r}")
    return out


def _to_answer(out, swapped):
    if out == "tie":
        return "tie"
    first_is_a = not swapped
    return "a" if (out == "first") == first_is_a else "b"


def _both(question, a, b, judge):
    x = _call(judge, question, a, b)
    y = _call(judge, question, b, a)
    return x, y


def swap_verdict(question, answer_a, answer_b, judge):
    x, y = _both(question, answer_a, answer_b, judge)
    u, v = _to_answer(x, False), _to_answer(y, True)
    return (u, True) if u == v else ("tie", False)


def evaluate_pairs(pairs, judge):
    if len(pairs) == 0:
        raise ValueError("empty")
    labels, raw = [], []
    for q, a, b in pairs:
        x, y = _both(q, a, b, judge)
        u, v = _to_answer(x, False), _to_answer(y, True)
        labels.append((u if u == v else "tie", u == v))
        raw.append((x, y))
    n = len(labels)
    c = Counter(v for v, _ in labels)
    rate = lambda k: float(Fraction(k, n))  # noqa: E731
    return {
        "verdicts": [v for v, _ in labels],
        "consistency": rate(sum(ok for _, ok in labels)),
        "win_rate_a": rate(c["a"]),
        "win_rate_b": rate(c["b"]),
        "tie_rate": rate(c["tie"]),
        "biased_first": rate(raw.count(("first", "first"))),
        "biased_second": rate(raw.count(("second", "second"))),
    }
