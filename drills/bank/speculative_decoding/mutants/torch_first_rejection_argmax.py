"""torch: finds the first rejection with argmax over the rejected mask, which returns 0 when nothing is
rejected, so a fully accepted draft is reported as n = 0 and the bonus token is never drawn."""
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
    u = torch.rand(px.shape, generator=generator, dtype=p.dtype)
    rejected = ~(u * qx < px)
    n = rejected.long().argmax(-1)
    at = n[..., None, None].expand(*n.shape, 1, vocab)
    weights = (p.gather(-2, at) - q.gather(-2, at)).clamp(min=0).squeeze(-2)
    weights = torch.where(weights.sum(-1, keepdim=True) > 0, weights, p.gather(-2, at).squeeze(-2))
    return n, torch.multinomial(weights.reshape(-1, vocab), 1, generator=generator).reshape(n.shape)
