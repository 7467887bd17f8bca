"""Computes in float32 whatever the inputs' precision (astype(np.float32)), then casts back: float64 inputs get float32 accuracy."""
import numpy as np


def swiglu_ffn(x, w1, v, w2):
    dt = x.dtype
    x, w1, v, w2 = (a.astype(np.float32) for a in (x, w1, v, w2))
    gate = x @ w1
    up = x @ v
    e = np.exp(-np.abs(gate))
    sig = np.where(gate >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return ((gate * sig * up) @ w2).astype(dt)
