"""Draws from a fresh np.random.default_rng() instead of the generator argument, so seeds are not honoured."""
import numpy as np


def speculative_accept(draft_tokens, draft_probs, target_probs, generator=None):
    k = draft_tokens.shape[-1]
    lead = draft_tokens.shape[:-1]
    vocab = target_probs.shape[-1]
    if draft_probs.shape != lead + (k, vocab) or target_probs.shape != lead + (k + 1, vocab):
        raise ValueError("shape mismatch")
    rng = np.random.default_rng()
    p, q = target_probs, draft_probs
    idx = draft_tokens[..., None].astype(np.int64)
    px = np.take_along_axis(p[..., :k, :], idx, axis=-1)[..., 0]
    qx = np.take_along_axis(q, idx, axis=-1)[..., 0]
    u = rng.random(px.shape)
    accepted = u * qx < px
    n = np.cumprod(accepted, axis=-1).sum(axis=-1)
    q_pad = np.concatenate([q, np.zeros_like(q[..., :1, :])], axis=-2)
    at = n[..., None, None]
    p_at = np.take_along_axis(p, at, axis=-2)[..., 0, :]
    q_at = np.take_along_axis(q_pad, at, axis=-2)[..., 0, :]
    weights = np.maximum(p_at - q_at, 0.0)
    cdf = np.cumsum(weights, axis=-1)
    v = rng.random(n.shape + (1,)) * cdf[..., -1:]
    next_token = np.minimum((cdf <= v).sum(axis=-1), vocab - 1)
    return n, next_token
