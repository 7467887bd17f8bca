"""Rotates in place (x[..., 0::2] = ...): right values, but the caller's array is overwritten."""
import numpy as np


def rope(x, convention, positions=None, base=10000.0):
    d, T = x.shape[-1], x.shape[-2]
    if d % 2 or convention not in ("interleaved", "half"):
        raise ValueError("bad d or convention")
    m = np.arange(T) if positions is None else np.asarray(positions)
    ang = m[:, None] * base ** (-np.arange(0, d, 2) / d)
    c, s = np.cos(ang), np.sin(ang)
    ia, ib = (np.s_[..., 0::2], np.s_[..., 1::2]) if convention == "interleaved" else (np.s_[..., : d // 2], np.s_[..., d // 2 :])
    a, b = x[ia].copy(), x[ib].copy()
    x[ia] = a * c - b * s
    x[ib] = a * s + b * c
    return x
