"""Forgets eps: a constant row divides 0 by 0."""
import numpy as np


def layer_norm(x, gamma, beta, eps=1e-5):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    with np.errstate(all="ignore"):
        return (x - mean) / np.sqrt(var) * gamma + beta
