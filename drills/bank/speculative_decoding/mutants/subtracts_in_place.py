"""Computes all residuals up front in place (target_probs[..., :k, :] -= draft_probs), modifying the caller's target_probs."""
import numpy as np


def speculative_accept(draft_tokens, draft_probs, target_probs, generator=None):
    k = draft_tokens.shape[-1]
    lead = draft_tokens.shape[:-1]
    vocab = target_probs.shape[-1]
    if draft_probs.shape != lead + (k, vocab) or target_probs.shape != lead + (k + 1, vocab):
        raise ValueError("shape mismatch")
    rng = np.random.default_rng() if generator is None else generator
    p, q = target_probs, draft_probs
    idx = draft_tokens[..., None].astype(np.int64)
    px = np.take_along_axis(p[..., :k, :], idx, axis=-1)[..., 0]
    qx = np.take_along_axis(q, idx, axis=-1)[..., 0]
    u = rng.random(px.shape)
    accepted = u * qx < px
    n = np.cumprod(accepted, axis=-1).sum(axis=-1)
    residuals = p  # every position's residual at once, in place: but this is the caller's array
    residuals[..., :k, :] -= q
    np.maximum(residuals, 0.0, out=residuals)
    at = n[..., None, None]
    weights = np.take_along_axis(residuals, at, axis=-2)[..., 0, :]
    cdf = np.cumsum(weights, axis=-1)
    v = rng.random(n.shape + (1,)) * cdf[..., -1:]
    next_token = np.minimum((cdf <= v).sum(axis=-1), vocab - 1)
    return n, next_token
