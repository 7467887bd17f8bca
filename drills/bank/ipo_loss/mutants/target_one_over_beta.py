"""Uses the target 1 / beta instead of 1 / (2 beta)."""
import numpy as np


def ipo_loss(policy_chosen_logps, policy_rejected_logps, reference_chosen_logps, reference_rejected_logps,
             chosen_lengths=None, rejected_lengths=None, beta=0.1):
    if beta <= 0 or (chosen_lengths is None) != (rejected_lengths is None):
        raise ValueError("bad arguments")
    chosen = policy_chosen_logps - reference_chosen_logps
    rejected = policy_rejected_logps - reference_rejected_logps
    if chosen_lengths is not None:
        chosen, rejected = chosen / chosen_lengths, rejected / rejected_lengths
    return ((chosen - rejected - 1.0 / beta) ** 2).mean()
