"""Computes in float32 whatever the input's precision (x.astype(np.float32)), then casts back: float64 input gets float32 accuracy."""
import numpy as np


def layer_norm(x, gamma, beta, eps=1e-5):
    h = x.astype(np.float32)
    mean = h.mean(-1, keepdims=True)
    centred = h - mean
    var = (centred * centred).mean(-1, keepdims=True)
    out = centred / np.sqrt(var + eps)
    return out.astype(x.dtype) * gamma + beta
