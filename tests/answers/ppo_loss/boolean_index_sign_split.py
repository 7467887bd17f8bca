"""Boolean indexing to the valid tokens, float64 inside, sign-split clip (min/max by the sign of A), entropy as sum p (logsumexp - z)."""
import torch


def ppo_loss(logps, old_logps, advantages, values, old_values, returns, logits, mask,
             clip_eps=0.2, value_clip_eps=0.2, vf_coef=0.5, ent_coef=0.01):
    if mask.sum() == 0:
        raise ValueError("mask has no valid token")
    dt = logps.dtype
    lp = logps[mask].double()
    olp = old_logps[mask].double()
    A = advantages[mask].double()
    v = values[mask].double()
    ov = old_values[mask].double()
    R = returns[mask].double()
    lg = logits[mask].double()            # (K, V)
    ratio = (lp - olp).exp()
    surr = torch.where(A >= 0, torch.clamp(ratio, max=1 + clip_eps) * A, torch.clamp(ratio, min=1 - clip_eps) * A)
    policy_loss = -surr.mean()
    vc = torch.clamp(v, ov - value_clip_eps, ov + value_clip_eps)
    value_loss = 0.5 * torch.maximum((v - R).pow(2), (vc - R).pow(2)).mean()
    lse = torch.logsumexp(lg, dim=-1, keepdim=True)
    p = torch.softmax(lg, dim=-1)
    ent = (p * (lse - lg)).sum(-1).mean()
    loss = policy_loss + vf_coef * value_loss - ent_coef * ent
    return loss.to(dt), policy_loss.to(dt), value_loss.to(dt), ent.to(dt)
