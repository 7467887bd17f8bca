"""numpy: multiplies float32 x by float64 cos/sin and returns the promoted float64 array, not float32."""
import numpy as np


def rope(x, convention, positions=None, base=10000.0):
    if convention not in ("interleaved", "half"):
        raise ValueError("bad convention")
    T, d = x.shape[-2:]
    if d % 2:
        raise ValueError("odd")
    m = np.arange(T) if positions is None else positions
    ang = m[:, None] * base ** (-np.arange(0, d, 2) / d)
    c, s = np.cos(ang), np.sin(ang)
    if convention == "interleaved":
        a, b = x[..., 0::2], x[..., 1::2]
        return np.stack((a * c - b * s, a * s + b * c), -1).reshape(x.shape)
    h = d // 2
    a, b = x[..., :h], x[..., h:]
    return np.concatenate((a * c - b * s, a * s + b * c), -1)
