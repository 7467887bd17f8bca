"""Correct formula but no checks: beta <= 0 and a lone lengths array are silently accepted."""
import numpy as np


def ipo_loss(policy_chosen_logps, policy_rejected_logps, reference_chosen_logps, reference_rejected_logps,
             chosen_lengths=None, rejected_lengths=None, beta=0.1):
    chosen = policy_chosen_logps - reference_chosen_logps
    rejected = policy_rejected_logps - reference_rejected_logps
    if chosen_lengths is not None:
        chosen = chosen / chosen_lengths
    if rejected_lengths is not None:
        rejected = rejected / rejected_lengths
    target = 1.0 / (2.0 * beta) if beta != 0 else 0.0
    return ((chosen - rejected - target) ** 2).mean()
