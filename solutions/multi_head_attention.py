"""Reference: multi-head self-attention (Vaswani et al., 2017, Sec. 3.2.2), NumPy and PyTorch.

Projections are applied as x @ W; head h uses columns h*dh:(h+1)*dh of Q, K and V.
"""

import math

import numpy as np


def multi_head_attention(x, Wq, Wk, Wv, Wo, n_heads, causal=False):
    d_model = x.shape[-1]
    if n_heads < 1 or d_model % n_heads != 0:
        raise ValueError(f"n_heads={n_heads} must be a positive divisor of d_model={d_model}")
    if isinstance(x, np.ndarray):
        return _numpy(x, Wq, Wk, Wv, Wo, n_heads, causal)
    return _torch(x, Wq, Wk, Wv, Wo, n_heads, causal)


def _split(t, n_heads):
    """(..., T, d_model) -> (..., H, T, dh): head h gets columns h*dh:(h+1)*dh."""
    *lead, T, d = t.shape
    return t.reshape(*lead, T, n_heads, d // n_heads).swapaxes(-2, -3)


def _numpy(x, Wq, Wk, Wv, Wo, n_heads, causal):
    q, k, v = (_split(x @ W, n_heads) for W in (Wq, Wk, Wv))
    T, dh = x.shape[-2], q.shape[-1]
    scores = q @ np.swapaxes(k, -1, -2) / math.sqrt(dh)  # (..., H, T, T)
    if causal:
        scores = np.where(np.tril(np.ones((T, T), dtype=bool)), scores, -np.inf)
    scores = scores - scores.max(axis=-1, keepdims=True)
    w = np.exp(scores)
    w = w / w.sum(axis=-1, keepdims=True)
    heads = w @ v  # (..., H, T, dh)
    merged = heads.swapaxes(-2, -3).reshape(x.shape)  # (..., T, H * dh), head h in columns h*dh:(h+1)*dh
    return merged @ Wo


def _torch(x, Wq, Wk, Wv, Wo, n_heads, causal):
    import torch

    q, k, v = (_split(x @ W, n_heads) for W in (Wq, Wk, Wv))
    T, dh = x.shape[-2], q.shape[-1]
    scores = q @ k.transpose(-2, -1) / math.sqrt(dh)
    if causal:
        future = torch.ones(T, T, dtype=torch.bool).triu(1)
        scores = scores.masked_fill(future, float("-inf"))
    heads = torch.softmax(scores, dim=-1) @ v
    merged = heads.transpose(-2, -3).reshape(x.shape)
    return merged @ Wo
