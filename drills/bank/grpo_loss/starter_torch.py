import torch


def grpo_loss(logps, old_logps, ref_logps, rewards, mask, group_size, epsilon=0.2, beta=0.04, std_eps=1e-4):
    """GRPO loss (Shao et al., 2024, Eq. 3) with group-normalised advantages and the k3 KL penalty.

    logps, old_logps, ref_logps: (N, T) per-token log-probs (current, sampling and reference policy).
    rewards: (N,); rows k*G .. k*G + G - 1 are the G completions of prompt k.
    mask: (N, T) bool, True on completion tokens.
    Returns (loss, advantages): a 0-dim tensor and an (N,) detached tensor.
    """
    raise NotImplementedError("write the GRPO loss here")
