"""Vectorised, clip applied to the log-ratio (exp(clamp(log r, log(1-eps), log(1+eps)))), torch.where for padding."""
import torch


def grpo_loss(logps, old_logps, ref_logps, rewards, mask, group_size, epsilon=0.2, beta=0.04, std_eps=1e-4):
    G = group_size
    N = rewards.shape[0]
    if G < 2 or N % G:
        raise ValueError("bad group size")
    r = rewards.detach().view(-1, G)
    mean = r.mean(dim=1, keepdim=True)
    std = r.std(dim=1, keepdim=True)
    adv = ((r - mean) / (std + std_eps)).reshape(-1)
    # clip in log space
    log_ratio = logps - old_logps
    ratio = torch.exp(log_ratio)
    clipped = torch.exp(torch.clamp(log_ratio, torch.log1p(torch.tensor(-epsilon, dtype=logps.dtype)),
                                    torch.log1p(torch.tensor(epsilon, dtype=logps.dtype))))
    A = adv[:, None]
    surr = torch.minimum(ratio * A, clipped * A)
    d = ref_logps - logps
    kl = torch.exp(d) - d - 1
    l = -surr + beta * kl
    l = torch.where(mask, l, torch.zeros_like(l))
    m = mask.to(l.dtype)
    per_seq = l.sum(dim=1) / m.sum(dim=1)
    return per_seq.mean(), adv.detach()
