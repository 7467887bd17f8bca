"""Reference: the IPO loss (Azar et al., 2023, Eq. 17), NumPy and PyTorch; TRL's "ipo" loss."""

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
    if beta <= 0:
        raise ValueError(f"beta (tau) must be positive, got {beta}")
    if (chosen_lengths is None) != (rejected_lengths is None):
        raise ValueError("give both chosen_lengths and rejected_lengths, or neither")
    chosen = policy_chosen_logps - reference_chosen_logps  # log pi(y_w|x) / pi_ref(y_w|x), summed over tokens
    rejected = policy_rejected_logps - reference_rejected_logps
    if chosen_lengths is not None:
        # TRL's IPO averages each sequence's log-prob over its tokens (policy and reference alike)
        chosen = chosen / chosen_lengths
        rejected = rejected / rejected_lengths
    h = chosen - rejected
    losses = (h - 1.0 / (2.0 * beta)) ** 2  # regress h onto the target 1 / (2 tau)
    return losses.mean()  # NumPy scalar or 0-dim tensor (differentiable in torch)
