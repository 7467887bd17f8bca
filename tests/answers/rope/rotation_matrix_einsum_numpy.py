import numpy as np


def rope(x, convention, positions=None, base=10000.0):
    if convention not in ("interleaved", "half"):
        raise ValueError("bad convention")
    T, d = x.shape[-2], x.shape[-1]
    if d % 2:
        raise ValueError("odd d")
    h = d // 2
    m = np.arange(T, dtype=np.float64) if positions is None else np.asarray(positions, dtype=np.float64)
    theta = np.array([base ** (-2.0 * i / d) for i in range(h)], dtype=np.float64)
    ang = np.outer(m, theta)
    c, s = np.cos(ang), np.sin(ang)
    R = np.stack([np.stack([c, -s], -1), np.stack([s, c], -1)], -2)  # (T, h, 2, 2)
    if convention == "interleaved":
        pairs = x.reshape(x.shape[:-1] + (h, 2)).astype(np.float64)
        out = np.einsum("tiab,...tib->...tia", R, pairs).reshape(x.shape)
    else:
        pairs = np.stack([x[..., :h], x[..., h:]], -1).astype(np.float64)
        r = np.einsum("tiab,...tib->...tia", R, pairs)
        out = np.concatenate([r[..., 0], r[..., 1]], -1)
    return out.astype(x.dtype)
