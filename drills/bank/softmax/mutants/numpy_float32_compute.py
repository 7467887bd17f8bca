"""Computes in float32 whatever the input's precision (x.astype(np.float32)), then casts back: float64 input gets float32 accuracy."""
import numpy as np


def softmax(x, axis=-1, temperature=1.0):
    if temperature <= 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    z = x.astype(np.float32) / temperature
    z = z - z.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return (e / e.sum(axis=axis, keepdims=True)).astype(x.dtype)
