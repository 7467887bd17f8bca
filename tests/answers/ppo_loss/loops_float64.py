"""A loop over the valid tokens in float64 (logsumexp for the entropy), results cast back to the input dtype."""
import torch


def ppo_loss(logps, old_logps, advantages, values, old_values, returns, logits, mask,
             clip_eps=0.2, value_clip_eps=0.2, vf_coef=0.5, ent_coef=0.01):
    dt = logps.dtype
    pg = vf = ent = torch.zeros((), dtype=torch.float64)
    count = 0
    n, t_len = mask.shape
    for i in range(n):
        for t in range(t_len):
            if not bool(mask[i, t]):
                continue
            count += 1
            ratio = torch.exp(logps[i, t].double() - old_logps[i, t].double())
            a = advantages[i, t].double()
            pg = pg + torch.minimum(ratio * a, ratio.clamp(1 - clip_eps, 1 + clip_eps) * a)
            v, ov, r = values[i, t].double(), old_values[i, t].double(), returns[i, t].double()
            vc = torch.clamp(v, ov - value_clip_eps, ov + value_clip_eps)
            vf = vf + torch.maximum((v - r) ** 2, (vc - r) ** 2)
            z = logits[i, t].double()
            lse = torch.logsumexp(z, dim=0)
            logp = z - lse
            ent = ent - (torch.exp(logp) * logp).sum()
    if count == 0:
        raise ValueError("no valid token")
    policy_loss, value_loss, entropy = -pg / count, 0.5 * vf / count, ent / count
    loss = policy_loss + vf_coef * value_loss - ent_coef * entropy
    return tuple(x.to(dt) for x in (loss, policy_loss, value_loss, entropy))
