"""Uses absmax / 128 (the int8 minimum's magnitude) as the step: the absmax maps to 128 and is clipped."""
import numpy as np


def quantize_int8(w, per_channel=True):
    absmax = np.abs(w).max(axis=1, keepdims=True) if per_channel else np.abs(w).max()
    scale = np.where(absmax > 0, absmax / 128, 1).astype(w.dtype)
    return np.clip(np.round(w / scale), -128, 127).astype(np.int8), scale


def dequantize_int8(q, scale):
    return q.astype(scale.dtype) * scale
