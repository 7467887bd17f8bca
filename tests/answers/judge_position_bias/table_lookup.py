"""A lookup table from (forward output, swapped output) to (verdict, consistent); all calls batched first."""
OUTCOME = {
    ("first", "second"): ("a", True),
    ("second", "first"): ("b", True),
    ("tie", "tie"): ("tie", True),
}


def _check(out):
    if out not in ("first", "second", "tie"):
        raise ValueError("judge must return 'first', 'second' or 'tie', got %r" % (out,))
    return out


def swap_verdict(question, answer_a, answer_b, judge):
    fwd = _check(judge(question, answer_a, answer_b))
    bwd = _check(judge(question, answer_b, answer_a))
    return OUTCOME.get((fwd, bwd), ("tie", False))


def evaluate_pairs(pairs, judge):
    pairs = tuple(tuple(p) for p in pairs)
    if not pairs:
        raise ValueError("need at least one pair")
    forward = [_check(judge(q, a, b)) for q, a, b in pairs]
    backward = [_check(judge(q, b, a)) for q, a, b in pairs]
    outcomes = [OUTCOME.get(k, ("tie", False)) for k in zip(forward, backward)]
    n = float(len(pairs))
    verdicts = [v for v, _ in outcomes]
    return dict(
        verdicts=verdicts,
        consistency=sum(1 for _, ok in outcomes if ok) / n,
        win_rate_a=verdicts.count("a") / n,
        win_rate_b=verdicts.count("b") / n,
        tie_rate=verdicts.count("tie") / n,
        biased_first=sum(1 for k in zip(forward, backward) if k == ("first", "first")) / n,
        biased_second=sum(1 for k in zip(forward, backward) if k == ("second", "second")) / n,
    )
