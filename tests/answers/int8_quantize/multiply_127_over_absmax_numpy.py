import numpy as np


def quantize_int8(w, per_channel=True):
    a = np.abs(w)
    absmax = a.max(axis=1, keepdims=True) if per_channel else np.asarray(a.max())
    safe = np.where(absmax == 0, np.ones_like(absmax), absmax)
    q = np.rint(w * (np.asarray(127, dtype=w.dtype) / safe))
    q = np.clip(q, -127, 127).astype(np.int8)
    scale = np.where(absmax == 0, np.ones_like(absmax), absmax / w.dtype.type(127)).astype(w.dtype)
    return q, scale


def dequantize_int8(q, scale):
    return q.astype(scale.dtype) * scale
