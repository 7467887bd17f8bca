"""rotate_half without the minus sign, cat(x2, x1) instead of cat(-x2, x1): not a rotation, norms change."""
import numpy as np


def rope(x, convention, positions=None, base=10000.0):
    d, T = x.shape[-1], x.shape[-2]
    if d % 2 or convention not in ("interleaved", "half"):
        raise ValueError("bad d or convention")
    m = np.arange(T) if positions is None else np.asarray(positions)
    ang = m[:, None] * base ** (-np.arange(0, d, 2) / d)
    if convention == "interleaved":
        c, s = np.cos(ang), np.sin(ang)
        a, b = x[..., 0::2], x[..., 1::2]
        return np.stack([a * c - b * s, a * s + b * c], -1).reshape(x.shape)
    full = np.concatenate([ang, ang], -1)
    rotated = np.concatenate([x[..., d // 2 :], x[..., : d // 2]], -1)
    return x * np.cos(full) + rotated * np.sin(full)
