"""Rounds half away from zero (sign * floor(|x| + 0.5)) instead of half to even."""
import numpy as np


def quantize_int8(w, per_channel=True):
    absmax = np.abs(w).max(axis=1, keepdims=True) if per_channel else np.abs(w).max()
    scale = np.where(absmax > 0, absmax / 127, 1).astype(w.dtype)
    r = w / scale
    return np.clip(np.sign(r) * np.floor(np.abs(r) + 0.5), -127, 127).astype(np.int8), scale


def dequantize_int8(q, scale):
    return q.astype(scale.dtype) * scale
