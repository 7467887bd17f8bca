"""Normalises over the batch axis (axis 0, like batch norm) instead of over the features."""
import numpy as np


def layer_norm(x, gamma, beta, eps=1e-5):
    mean = x.mean(0, keepdims=True)
    var = ((x - mean) ** 2).mean(0, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * gamma + beta
