"""Centres the row first (LayerNorm without bias) instead of RMSNorm."""
import numpy as np


def rms_norm(x, weight, eps=1e-6):
    c = x - x.mean(-1, keepdims=True)
    return c / np.sqrt((c * c).mean(-1, keepdims=True) + eps) * weight
