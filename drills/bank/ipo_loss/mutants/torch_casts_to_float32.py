"""Computes in float32 whatever the inputs' dtype (`.float()`): float64 inputs get a float32 loss."""

import torch


def ipo_loss(
    policy_chosen_logps,
    policy_rejected_logps,
    reference_chosen_logps,
    reference_rejected_logps,
    chosen_lengths=None,
    rejected_lengths=None,
    beta=0.1,
):
    if beta <= 0:
        raise ValueError(f"beta (tau) must be positive, got {beta}")
    if (chosen_lengths is None) != (rejected_lengths is None):
        raise ValueError("give both chosen_lengths and rejected_lengths, or neither")
    chosen = policy_chosen_logps.float() - reference_chosen_logps.float()
    rejected = policy_rejected_logps.float() - reference_rejected_logps.float()
    if chosen_lengths is not None:
        chosen = chosen / chosen_lengths
        rejected = rejected / rejected_lengths
    h = chosen - rejected
    losses = (h - 1.0 / (2.0 * beta)) ** 2
    return losses.mean()
