"""Always applies the rotate_half form, whatever the convention argument says."""
import numpy as np


def rope(x, convention, positions=None, base=10000.0):
    d, T = x.shape[-1], x.shape[-2]
    if d % 2 or convention not in ("interleaved", "half"):
        raise ValueError("bad d or convention")
    m = np.arange(T) if positions is None else np.asarray(positions)
    ang = np.concatenate([m[:, None] * base ** (-np.arange(0, d, 2) / d)] * 2, -1)
    rotated = np.concatenate([-x[..., d // 2 :], x[..., : d // 2]], -1)
    return x * np.cos(ang) + rotated * np.sin(ang)
