"""Rotates by minus the angle: (a cos + b sin, -a sin + b cos). Norms and relative scores still hold."""
import numpy as np


def rope(x, convention, positions=None, base=10000.0):
    d, T = x.shape[-1], x.shape[-2]
    if d % 2 or convention not in ("interleaved", "half"):
        raise ValueError("bad d or convention")
    m = np.arange(T) if positions is None else np.asarray(positions)
    ang = m[:, None] * base ** (-np.arange(0, d, 2) / d)
    c, s = np.cos(ang), np.sin(ang)
    if convention == "interleaved":
        a, b = x[..., 0::2], x[..., 1::2]
        return np.stack([a * c + b * s, -a * s + b * c], -1).reshape(x.shape)
    a, b = x[..., : d // 2], x[..., d // 2 :]
    return np.concatenate([a * c + b * s, -a * s + b * c], -1)
