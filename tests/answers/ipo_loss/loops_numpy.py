"""A plain loop over the pairs in float64, returning a NumPy float64 scalar."""
import numpy as np


def ipo_loss(policy_chosen_logps, policy_rejected_logps, reference_chosen_logps, reference_rejected_logps,
             chosen_lengths=None, rejected_lengths=None, beta=0.1):
    if not beta > 0:
        raise ValueError("tau must be > 0")
    if (chosen_lengths is None) ^ (rejected_lengths is None):
        raise ValueError("lengths come in pairs")
    n = len(policy_chosen_logps)
    total = 0.0
    for i in range(n):
        lc = 1.0 if chosen_lengths is None else float(chosen_lengths[i])
        lr = 1.0 if rejected_lengths is None else float(rejected_lengths[i])
        w = (float(policy_chosen_logps[i]) - float(reference_chosen_logps[i])) / lc
        l = (float(policy_rejected_logps[i]) - float(reference_rejected_logps[i])) / lr
        total += (w - l - 0.5 / beta) ** 2
    return np.float64(total / n)
