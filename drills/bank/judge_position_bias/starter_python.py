def swap_verdict(question, answer_a, answer_b, judge) -> tuple[str, bool]:
    """Judge both orders; ('a' | 'b' | 'tie', consistent). A win needs both orders to agree."""
    raise NotImplementedError("write the two-call protocol here")


def evaluate_pairs(pairs, judge) -> dict:
    """verdicts, consistency, win_rate_a, win_rate_b, tie_rate, biased_first, biased_second."""
    raise NotImplementedError("write the evaluation loop here")
