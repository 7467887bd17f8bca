"""Computes the attention in float32 whatever the inputs' precision (astype(np.float32)), then casts back: float64 inputs get float32 accuracy."""
import math

import numpy as np


def multi_head_attention(x, Wq, Wk, Wv, Wo, n_heads, causal=False):
    d_model = x.shape[-1]
    if n_heads < 1 or d_model % n_heads != 0:
        raise ValueError(f"n_heads={n_heads} must be a positive divisor of d_model={d_model}")
    dt = x.dtype
    x, Wq, Wk, Wv, Wo = (a.astype(np.float32) for a in (x, Wq, Wk, Wv, Wo))

    def split(t):
        *lead, T, d = t.shape
        return t.reshape(*lead, T, n_heads, d // n_heads).swapaxes(-2, -3)

    q, k, v = (split(x @ W) for W in (Wq, Wk, Wv))
    T, dh = x.shape[-2], q.shape[-1]
    scores = q @ np.swapaxes(k, -1, -2) / math.sqrt(dh)
    if causal:
        scores = np.where(np.tril(np.ones((T, T), dtype=bool)), scores, -np.inf)
    scores = scores - scores.max(axis=-1, keepdims=True)
    w = np.exp(scores)
    w = w / w.sum(axis=-1, keepdims=True)
    merged = (w @ v).swapaxes(-2, -3).reshape(x.shape)
    return (merged @ Wo).astype(dt)
