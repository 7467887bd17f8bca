"""NumPy, vectorised with np.divide and np.mean, staying in the input dtype (0-d array out)."""
import numpy as np


def ipo_loss(policy_chosen_logps, policy_rejected_logps, reference_chosen_logps, reference_rejected_logps,
             chosen_lengths=None, rejected_lengths=None, beta=0.1):
    if beta <= 0:
        raise ValueError("beta must be positive")
    if (chosen_lengths is None) != (rejected_lengths is None):
        raise ValueError("need both lengths")
    dt = policy_chosen_logps.dtype
    pi = policy_chosen_logps - policy_rejected_logps
    if chosen_lengths is None:
        h = pi - (reference_chosen_logps - reference_rejected_logps)
    else:
        h = (np.divide(policy_chosen_logps - reference_chosen_logps, chosen_lengths, dtype=dt)
             - np.divide(policy_rejected_logps - reference_rejected_logps, rejected_lengths, dtype=dt))
    return np.asarray(np.mean((h - dt.type(1.0 / (2.0 * beta))) ** 2))
