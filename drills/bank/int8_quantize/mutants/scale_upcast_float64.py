"""Computes the scale in float64 (absmax.astype(np.float64) / 127) and never casts back: float32 weights get a float64 scale."""
import numpy as np


def quantize_int8(w, per_channel=True):
    absmax = np.abs(w).max(axis=1, keepdims=True) if per_channel else np.abs(w).max()
    scale = np.where(absmax > 0, absmax.astype(np.float64) / 127, 1.0)
    return np.clip(np.round(w / scale), -127, 127).astype(np.int8), scale


def dequantize_int8(q, scale):
    return q.astype(scale.dtype) * scale
