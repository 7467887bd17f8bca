"""Reference: the verification step of speculative sampling (Leviathan et al., 2023, arXiv:2211.17192,
Algorithm 1; Chen et al., 2023, arXiv:2302.01318, Algorithm 2), NumPy and PyTorch, batched.

Draft token x_i is accepted when u_i * q_i(x_i) < p_i(x_i) with u_i ~ U[0, 1), i.e. with probability
min(1, p_i(x_i) / q_i(x_i)); n counts the accepted drafts before the first rejection. The next token is
drawn from norm(max(0, p_n - q_n)) at the first rejected position n, or from p_k (the target's extra
row) when all k drafts are accepted. Appending a row of zeros to the draft distributions makes both
cases one formula: max(0, p_k - 0) = p_k.
"""

import numpy as np


def _check_shapes(draft_tokens, draft_probs, target_probs):
    k = draft_tokens.shape[-1]
    if k < 1:
        raise ValueError("need at least one draft token")
    lead = tuple(draft_tokens.shape[:-1])
    vocab = target_probs.shape[-1]
    if tuple(draft_probs.shape) != lead + (k, vocab):
        raise ValueError(f"draft_probs has shape {tuple(draft_probs.shape)}, expected {lead + (k, vocab)}")
    if tuple(target_probs.shape) != lead + (k + 1, vocab):
        raise ValueError(f"target_probs has shape {tuple(target_probs.shape)}, expected {lead + (k + 1, vocab)}")
    return k


def speculative_accept(draft_tokens, draft_probs, target_probs, generator=None):
    k = _check_shapes(draft_tokens, draft_probs, target_probs)
    if isinstance(target_probs, np.ndarray):
        return _numpy(draft_tokens, draft_probs, target_probs, k, generator)
    return _torch(draft_tokens, draft_probs, target_probs, k, generator)


def _numpy(tokens, q, p, k, generator):
    rng = np.random.default_rng() if generator is None else generator
    idx = tokens[..., None].astype(np.int64)
    px = np.take_along_axis(p[..., :k, :], idx, axis=-1)[..., 0]  # p_i(x_i), shape (..., k)
    qx = np.take_along_axis(q, idx, axis=-1)[..., 0]  # q_i(x_i)
    u = rng.random(px.shape)
    accepted = u * qx < px  # u < p/q, without dividing
    n = np.cumprod(accepted, axis=-1).sum(axis=-1)  # accepted drafts before the first rejection
    q_pad = np.concatenate([q, np.zeros_like(q[..., :1, :])], axis=-2)
    at = n[..., None, None]
    residual = np.maximum(np.take_along_axis(p, at, axis=-2) - np.take_along_axis(q_pad, at, axis=-2), 0.0)[..., 0, :]
    cdf = np.cumsum(residual, axis=-1)
    v = rng.random(n.shape + (1,)) * cdf[..., -1:]  # unnormalised inverse CDF
    next_token = np.minimum((cdf <= v).sum(axis=-1), residual.shape[-1] - 1)
    return n, next_token


def _torch(tokens, q, p, k, generator):
    import torch

    idx = tokens.long().unsqueeze(-1)
    px = p[..., :k, :].gather(-1, idx).squeeze(-1)
    qx = q.gather(-1, idx).squeeze(-1)
    u = torch.rand(px.shape, generator=generator, dtype=p.dtype)
    accepted = u * qx < px
    n = torch.cumprod(accepted.long(), dim=-1).sum(dim=-1)
    q_pad = torch.cat([q, torch.zeros_like(q[..., :1, :])], dim=-2)
    at = n[..., None, None].expand(*n.shape, 1, p.shape[-1])
    residual = (p.gather(-2, at) - q_pad.gather(-2, at)).clamp(min=0).squeeze(-2)
    vocab = residual.shape[-1]
    next_token = torch.multinomial(residual.reshape(-1, vocab), 1, generator=generator).reshape(n.shape)
    return n, next_token
