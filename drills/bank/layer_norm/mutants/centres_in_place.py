"""Centres x in place: the caller's array is overwritten."""
import numpy as np


def layer_norm(x, gamma, beta, eps=1e-5):
    x -= x.mean(-1, keepdims=True)
    var = (x * x).mean(-1, keepdims=True)
    return x / np.sqrt(var + eps) * gamma + beta
