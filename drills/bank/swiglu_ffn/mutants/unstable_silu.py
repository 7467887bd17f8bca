"""Writes SiLU as z * exp(z) / (1 + exp(z)): inf / inf = nan for large positive pre-activations."""
import numpy as np


def swiglu_ffn(x, w1, v, w2):
    a = x @ w1
    with np.errstate(all="ignore"):
        silu = a * np.exp(a) / (1.0 + np.exp(a))
    return (silu * (x @ v)) @ w2
