"""Returns the per-channel scale with shape (rows,) instead of (rows, 1), so it broadcasts along the wrong axis."""
import numpy as np


def quantize_int8(w, per_channel=True):
    absmax = np.abs(w).max(axis=1) if per_channel else np.abs(w).max()
    scale = np.where(absmax > 0, absmax / 127, 1).astype(w.dtype)
    q = np.clip(np.round(w / scale.reshape(-1, 1) if per_channel else w / scale), -127, 127).astype(np.int8)
    return q, scale


def dequantize_int8(q, scale):
    return q.astype(scale.dtype) * scale
