"""Quantizes and dequantizes in float32 (astype(np.float32)) whatever w's dtype, then casts the scale and the dequantized weights back: float64 weights get a float32-rounded scale."""
import numpy as np


def quantize_int8(w, per_channel=True):
    dt = w.dtype
    w = w.astype(np.float32)
    absmax = np.abs(w).max(axis=1, keepdims=True) if per_channel else np.abs(w).max()
    scale = np.where(absmax > 0, absmax / 127, 1).astype(np.float32)
    q = np.clip(np.round(w / scale), -127, 127).astype(np.int8)
    return q, scale.astype(dt)


def dequantize_int8(q, scale):
    return (q.astype(np.float32) * scale.astype(np.float32)).astype(scale.dtype)
