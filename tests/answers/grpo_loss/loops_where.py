"""Loops over groups and completions, torch.where for the clipped branch, masked_select per row."""
import math

import torch


def grpo_loss(logps, old_logps, ref_logps, rewards, mask, group_size, epsilon=0.2, beta=0.04, std_eps=1e-4):
    n = rewards.shape[0]
    if group_size < 2:
        raise ValueError("group_size must be at least 2")
    if n % group_size != 0:
        raise ValueError("N must be a multiple of group_size")
    adv = torch.empty_like(rewards)
    with torch.no_grad():
        for start in range(0, n, group_size):
            r = rewards[start:start + group_size]
            mu = r.sum() / group_size
            var = ((r - mu) ** 2).sum() / (group_size - 1)
            adv[start:start + group_size] = (r - mu) / (var.sqrt() + std_eps)
    per_seq = []
    for i in range(n):
        lp = logps[i][mask[i]]
        old = old_logps[i][mask[i]]
        ref = ref_logps[i][mask[i]]
        ratio = torch.exp(lp - old)
        unclipped = ratio * adv[i]
        clipped = ratio.clamp(1 - epsilon, 1 + epsilon) * adv[i]
        surrogate = torch.where(unclipped < clipped, unclipped, clipped)
        kl = torch.exp(ref - lp) - (ref - lp) - 1
        per_seq.append((-surrogate + beta * kl).mean())
    return torch.stack(per_seq).mean(), adv
