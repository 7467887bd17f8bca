"""numpy: builds theta and the angles in x's dtype, so float32 input gets float32 angles, wrong at large positions."""
import numpy as np


def rope(x, convention, positions=None, base=10000.0):
    if convention not in ("interleaved", "half"):
        raise ValueError("bad convention")
    T, d = x.shape[-2:]
    if d % 2:
        raise ValueError("odd")
    dt = x.dtype
    m = (np.arange(T) if positions is None else positions).astype(dt)
    theta = (np.asarray(base, dtype=dt) ** (-np.arange(0, d, 2, dtype=dt) / dt.type(d))).astype(dt)
    ang = (m[:, None] * theta[None, :]).astype(dt)
    c, s = np.cos(ang), np.sin(ang)
    if convention == "interleaved":
        a, b = x[..., 0::2], x[..., 1::2]
        return np.stack((a * c - b * s, a * s + b * c), -1).reshape(x.shape).astype(dt)
    h = d // 2
    a, b = x[..., :h], x[..., h:]
    return np.concatenate((a * c - b * s, a * s + b * c), -1).astype(dt)
