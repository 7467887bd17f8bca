"""Computes in float32 whatever the inputs' dtype: float64 inputs get a float32 loss and advantages."""

import torch


def grpo_loss(logps, old_logps, ref_logps, rewards, mask, group_size, epsilon=0.2, beta=0.04, std_eps=1e-4):
    n, _ = logps.shape
    if group_size < 2 or n % group_size != 0:
        raise ValueError(f"need group_size >= 2 dividing the {n} completions, got {group_size}")
    # Group-relative advantages: rows [k*G, (k+1)*G) answer the same prompt.
    logps, old_logps, ref_logps, rewards = (t.float() for t in (logps, old_logps, ref_logps, rewards))
    grouped = rewards.reshape(-1, group_size)
    mean = grouped.mean(dim=1, keepdim=True)
    std = grouped.std(dim=1, keepdim=True)  # unbiased (n - 1), like torch.std and TRL
    advantages = ((grouped - mean) / (std + std_eps)).reshape(-1).detach()  # equal rewards -> 0, not NaN

    a = advantages.unsqueeze(1)  # one advantage for every token of a completion
    ratio = torch.exp(logps - old_logps)
    clipped = torch.clamp(ratio, 1 - epsilon, 1 + epsilon)
    per_token = -torch.min(ratio * a, clipped * a)  # the clipped surrogate, negated to a loss
    # k3 estimator of KL(pi || pi_ref), unbiased and always >= 0
    kl = torch.exp(ref_logps - logps) - (ref_logps - logps) - 1
    per_token = per_token + beta * kl

    m = mask.to(per_token.dtype)
    per_sequence = (per_token * m).sum(dim=1) / m.sum(dim=1)  # 1/|o_i| sum_t
    return per_sequence.mean(), advantages  # 1/G sum_i (over every group)
