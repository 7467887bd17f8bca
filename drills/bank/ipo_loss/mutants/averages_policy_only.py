"""Divides only the policy log-probs by the lengths; the reference log-probs stay summed."""
import numpy as np


def ipo_loss(policy_chosen_logps, policy_rejected_logps, reference_chosen_logps, reference_rejected_logps,
             chosen_lengths=None, rejected_lengths=None, beta=0.1):
    if beta <= 0 or (chosen_lengths is None) != (rejected_lengths is None):
        raise ValueError("bad arguments")
    pc, pr = policy_chosen_logps, policy_rejected_logps
    if chosen_lengths is not None:
        pc, pr = pc / chosen_lengths, pr / rejected_lengths
    h = (pc - reference_chosen_logps) - (pr - reference_rejected_logps)
    return ((h - 1.0 / (2.0 * beta)) ** 2).mean()
