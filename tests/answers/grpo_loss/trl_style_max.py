"""TRL-style: repeat_interleave for the group statistics, pg losses as max of negated terms, float mask."""
import torch


def grpo_loss(logps, old_logps, ref_logps, rewards, mask, group_size, epsilon=0.2, beta=0.04, std_eps=1e-4):
    if group_size <= 1 or rewards.numel() % group_size:
        raise ValueError("bad group_size")
    mean_g = rewards.view(-1, group_size).mean(dim=1).repeat_interleave(group_size)
    std_g = rewards.view(-1, group_size).std(dim=1).repeat_interleave(group_size)
    advantages = (rewards - mean_g) / (std_g + std_eps)
    adv = advantages.detach().unsqueeze(1)
    ratio = (logps - old_logps).exp()
    pg1 = -adv * ratio
    pg2 = -adv * ratio.clamp(1.0 - epsilon, 1.0 + epsilon)
    per_token = torch.max(pg1, pg2)
    delta = ref_logps - logps
    per_token = per_token + beta * (delta.exp() - delta - 1.0)
    m = mask.float().to(per_token.dtype)
    loss = ((per_token * m).sum(-1) / m.sum(-1).clamp(min=1.0)).mean()
    return loss, advantages.detach()
