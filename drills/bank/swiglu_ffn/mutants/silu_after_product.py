"""Applies SiLU to the product of the two branches instead of to the gate branch alone."""
import numpy as np


def swiglu_ffn(x, w1, v, w2):
    h = (x @ w1) * (x @ v)
    e = np.exp(-np.abs(h))
    sig = np.where(h >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return (h * sig) @ w2
