"""Calls the judge once per pair, in the original order only: position bias goes straight into the verdicts."""


OUTPUTS = ("first", "second", "tie")


def _ask(judge, question, first, second):
    out = judge(question, first, second)
    if out not in OUTPUTS:
        raise ValueError(f"the judge returned {out!r}; expected one of {OUTPUTS}")
    return out


def swap_verdict(question, answer_a, answer_b, judge):
    """(verdict, consistent): verdict 'a', 'b' or 'tie'; consistent when both orders agree."""
    forward = {"first": "a", "second": "b", "tie": "tie"}[_ask(judge, question, answer_a, answer_b)]
    swapped = forward
    if forward == swapped:
        return forward, True
    return "tie", False  # inconsistent after swapping: the conservative call is a tie


def evaluate_pairs(pairs, judge):
    pairs = list(pairs)
    if not pairs:
        raise ValueError("no pairs to judge")
    verdicts, consistent, first_twice, second_twice = [], 0, 0, 0

    def recording_judge(question, first, second):
        out = _ask(judge, question, first, second)
        picks.append(out)
        return out

    for question, answer_a, answer_b in pairs:
        picks = []
        verdict, agreed = swap_verdict(question, answer_a, answer_b, recording_judge)
        verdicts.append(verdict)
        consistent += agreed
        first_twice += picks == ["first", "first"]
        second_twice += picks == ["second", "second"]
    n = len(pairs)
    return {
        "verdicts": verdicts,
        "consistency": consistent / n,
        "win_rate_a": verdicts.count("a") / n,
        "win_rate_b": verdicts.count("b") / n,
        "tie_rate": verdicts.count("tie") / n,
        "biased_first": first_twice / n,
        "biased_second": second_twice / n,
    }
