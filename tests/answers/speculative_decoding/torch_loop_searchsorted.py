"""torch in float64, a loop over positions, the residual sampled by inverse CDF with torch.searchsorted."""
import torch


def speculative_accept(draft_tokens, draft_probs, target_probs, generator=None):
    *lead, k = draft_tokens.shape
    V = target_probs.shape[-1]
    if list(draft_probs.shape) != lead + [k, V] or list(target_probs.shape) != lead + [k + 1, V]:
        raise ValueError(f"bad shapes {tuple(draft_probs.shape)} / {tuple(target_probs.shape)} for k={k}")
    x = draft_tokens.reshape(-1, k).long()
    q = draft_probs.reshape(-1, k, V).double()
    p = target_probs.reshape(-1, k + 1, V).double()
    B = x.shape[0]
    n = torch.zeros(B, dtype=torch.long)
    done = torch.zeros(B, dtype=torch.bool)
    dist = p[:, k].clone()
    u = torch.rand(B, k, generator=generator, dtype=torch.float64)
    for i in range(k):
        px = p[:, i].gather(1, x[:, i : i + 1]).squeeze(1)
        qx = q[:, i].gather(1, x[:, i : i + 1]).squeeze(1)
        accept = u[:, i] <= torch.minimum(torch.ones_like(px), px / qx)
        accept &= px > 0
        reject = ~done & ~accept
        dist = torch.where(reject[:, None], torch.relu(p[:, i] - q[:, i]), dist)
        n = n + (~done & accept).long()
        done = done | reject
    cdf = dist.cumsum(-1)
    v = torch.rand(B, 1, generator=generator, dtype=torch.float64) * cdf[:, -1:]
    nxt = torch.searchsorted(cdf, v, right=True).clamp(max=V - 1).squeeze(1)
    return n.reshape(lead), nxt.reshape(lead)
