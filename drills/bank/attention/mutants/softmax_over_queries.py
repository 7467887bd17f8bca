"""Takes the softmax over the queries axis (-2) instead of the keys axis (-1)."""
import numpy as np


def scaled_dot_product_attention(q, k, v, mask=None):
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    w = np.exp(scores - scores.max(-2, keepdims=True))
    return w / w.sum(-2, keepdims=True) @ v
