"""Returns the per-tensor scale as a Python float (float(absmax) / 127), not a 0-d array of w's dtype."""
import numpy as np


def quantize_int8(w, per_channel=True):
    if per_channel:
        absmax = np.abs(w).max(axis=1, keepdims=True)
        scale = np.where(absmax == 0, 1.0, absmax / 127).astype(w.dtype)
    else:
        absmax = float(np.abs(w).max())
        scale = absmax / 127 if absmax > 0 else 1.0
    q = np.clip(np.round(w / scale), -127, 127).astype(np.int8)
    return q, scale


def dequantize_int8(q, scale):
    return q * scale
