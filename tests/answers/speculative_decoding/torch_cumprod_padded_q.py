"""torch, vectorised: uniforms for every position at once, cumprod for the first rejection, a zero q row appended so the bonus is the residual of p_(k+1)."""
import torch


def speculative_accept(draft_tokens, draft_probs, target_probs, generator=None):
    k = draft_tokens.shape[-1]
    lead = tuple(draft_tokens.shape[:-1])
    if draft_probs.dim() != draft_tokens.dim() + 1 or tuple(draft_probs.shape[:-1]) != tuple(draft_tokens.shape):
        raise ValueError("draft_probs must be (..., k, V)")
    V = draft_probs.shape[-1]
    if tuple(target_probs.shape) != lead + (k + 1, V):
        raise ValueError("target_probs must be (..., k + 1, V)")
    x = draft_tokens.reshape(-1, k).long()
    q = draft_probs.reshape(-1, k, V).double()
    p = target_probs.reshape(-1, k + 1, V).double()
    B = x.shape[0]
    qx = q.gather(-1, x.unsqueeze(-1)).squeeze(-1)
    px = p[:, :k].gather(-1, x.unsqueeze(-1)).squeeze(-1)
    u = torch.rand((B, k), generator=generator, dtype=torch.float64)
    ok = u * qx < px
    n = torch.cumprod(ok.long(), dim=-1).sum(-1)          # accepted before the first rejection
    rows = torch.arange(B)
    pad_q = torch.cat([q, torch.zeros(B, 1, V, dtype=q.dtype)], dim=1)  # q_{k} := 0 so residual = p_k
    res = torch.clamp(p[rows, n] - pad_q[rows, n], min=0.0)
    res = res / res.sum(-1, keepdim=True)
    nxt = torch.multinomial(res, 1, generator=generator).squeeze(-1)
    return n.reshape(lead), nxt.reshape(lead)
