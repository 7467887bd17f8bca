"""Applies the weight before normalising: the RMS is taken of x * weight."""
import numpy as np


def rms_norm(x, weight, eps=1e-6):
    h = x * weight
    return h / np.sqrt((h * h).mean(-1, keepdims=True) + eps)
