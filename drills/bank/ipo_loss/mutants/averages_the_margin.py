"""Averages once over the pair's total length: h / (L_c + L_r), instead of each log-ratio over its own length."""
import numpy as np


def ipo_loss(policy_chosen_logps, policy_rejected_logps, reference_chosen_logps, reference_rejected_logps,
             chosen_lengths=None, rejected_lengths=None, beta=0.1):
    if beta <= 0 or (chosen_lengths is None) != (rejected_lengths is None):
        raise ValueError("bad arguments")
    h = (policy_chosen_logps - reference_chosen_logps) - (policy_rejected_logps - reference_rejected_logps)
    if chosen_lengths is not None:
        h = h / (chosen_lengths + rejected_lengths)
    return ((h - 1.0 / (2.0 * beta)) ** 2).mean()
