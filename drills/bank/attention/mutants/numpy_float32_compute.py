"""Computes the attention in float32 whatever the inputs' precision (astype(np.float32)), then casts back: float64 inputs get float32 accuracy."""
import math

import numpy as np


def scaled_dot_product_attention(q, k, v, mask=None):
    dt = q.dtype
    q, k, v = (a.astype(np.float32) for a in (q, k, v))
    scores = q @ np.swapaxes(k, -1, -2) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    scores = scores - scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights = weights / weights.sum(axis=-1, keepdims=True)
    return (weights @ v).astype(dt)
