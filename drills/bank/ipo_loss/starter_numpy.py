import numpy as np


def ipo_loss(
    policy_chosen_logps,
    policy_rejected_logps,
    reference_chosen_logps,
    reference_rejected_logps,
    chosen_lengths=None,
    rejected_lengths=None,
    beta=0.1,
):
    """Mean IPO loss (Azar et al., 2023, Eq. 17): mean over pairs of (h - 1 / (2 beta))^2.

    Each log-prob input: (B,) summed sequence log-probs. chosen_lengths / rejected_lengths:
    None (use the log-probs as given) or (B,) token counts (average each log-ratio per token).
    Returns a scalar.
    """
    raise NotImplementedError("write the IPO loss here")
