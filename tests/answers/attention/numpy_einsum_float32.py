"""einsum, a -1e9 fill instead of -inf, computed in float32 when given float32."""
import numpy as np


def scaled_dot_product_attention(q, k, v, mask=None):
    d = q.shape[-1]
    scores = np.einsum("...qd,...kd->...qk", q, k) / np.asarray(np.sqrt(d), dtype=q.dtype)
    if mask is not None:
        scores = np.where(mask, scores, np.asarray(-1e9, dtype=scores.dtype))
    scores = scores - np.max(scores, axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights /= np.sum(weights, axis=-1, keepdims=True)
    return np.einsum("...qk,...kv->...qv", weights, v)
