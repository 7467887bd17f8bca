"""Ignores the eps argument and always uses 1e-6."""
import numpy as np


def rms_norm(x, weight, eps=1e-6):
    return x / np.sqrt((x * x).mean(-1, keepdims=True) + 1e-6) * weight
