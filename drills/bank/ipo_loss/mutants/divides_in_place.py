"""Averages the log-probs in place (/=), overwriting the caller's tensors."""
import torch


def ipo_loss(policy_chosen_logps, policy_rejected_logps, reference_chosen_logps, reference_rejected_logps,
             chosen_lengths=None, rejected_lengths=None, beta=0.1):
    if beta <= 0 or (chosen_lengths is None) != (rejected_lengths is None):
        raise ValueError("bad arguments")
    if chosen_lengths is not None:
        for t in (policy_chosen_logps, reference_chosen_logps):
            t /= chosen_lengths
        for t in (policy_rejected_logps, reference_rejected_logps):
            t /= rejected_lengths
    h = (policy_chosen_logps - reference_chosen_logps) - (policy_rejected_logps - reference_rejected_logps)
    return ((h - 1.0 / (2.0 * beta)) ** 2).mean()
