"""torch: draws the uniforms and the next token from torch's global RNG (no generator= argument)."""
import torch


def speculative_accept(draft_tokens, draft_probs, target_probs, generator=None):
    k = draft_tokens.shape[-1]
    lead = tuple(draft_tokens.shape[:-1])
    vocab = target_probs.shape[-1]
    if tuple(draft_probs.shape) != lead + (k, vocab) or tuple(target_probs.shape) != lead + (k + 1, vocab):
        raise ValueError("shape mismatch")
    p, q = target_probs, draft_probs
    idx = draft_tokens.long().unsqueeze(-1)
    px = p[..., :k, :].gather(-1, idx).squeeze(-1)
    qx = q.gather(-1, idx).squeeze(-1)
    accepted = torch.rand(px.shape, dtype=p.dtype) * qx < px
    n = torch.cumprod(accepted.long(), dim=-1).sum(-1)
    q_pad = torch.cat([q, torch.zeros_like(q[..., :1, :])], dim=-2)
    at = n[..., None, None].expand(*n.shape, 1, vocab)
    weights = (p.gather(-2, at) - q_pad.gather(-2, at)).clamp(min=0).squeeze(-2)
    return n, torch.multinomial(weights.reshape(-1, vocab), 1).reshape(n.shape)
