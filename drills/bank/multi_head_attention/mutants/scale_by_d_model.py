"""Divides the scores by sqrt(d_model) instead of sqrt(dh), the per-head size."""
import math

import numpy as np


def _softmax(s):
    w = np.exp(s - s.max(-1, keepdims=True))
    return w / w.sum(-1, keepdims=True)


def _causal(s, causal):
    T = s.shape[-1]
    return np.where(np.tril(np.ones((T, T), dtype=bool)), s, -np.inf) if causal else s


def multi_head_attention(x, Wq, Wk, Wv, Wo, n_heads, causal=False):
    *lead, T, d = x.shape
    if n_heads < 1 or d % n_heads:
        raise ValueError("n_heads must divide d_model")
    dh = d // n_heads
    q, k, v = ((x @ W).reshape(*lead, T, n_heads, dh).swapaxes(-2, -3) for W in (Wq, Wk, Wv))
    s = _causal(q @ np.swapaxes(k, -1, -2) / math.sqrt(d), causal)
    return (_softmax(s) @ v).swapaxes(-2, -3).reshape(x.shape) @ Wo
