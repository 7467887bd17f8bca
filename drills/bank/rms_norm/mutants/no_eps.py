"""Forgets eps: an all-zero row divides 0 by 0."""
import numpy as np


def rms_norm(x, weight, eps=1e-6):
    with np.errstate(all="ignore"):
        return x / np.sqrt((x * x).mean(-1, keepdims=True)) * weight
