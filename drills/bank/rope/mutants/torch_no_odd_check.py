"""torch: never checks that d is even, so an odd d fails with a RuntimeError (or is silently truncated) instead of ValueError."""
import torch


def rope(x, convention, positions=None, base=10000.0):
    d, T = x.shape[-1], x.shape[-2]
    if convention not in ("interleaved", "half"):
        raise ValueError("bad convention")
    m = torch.arange(T) if positions is None else positions
    ang = m[:, None].double() * base ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)
    c, s = ang.cos().to(x.dtype), ang.sin().to(x.dtype)
    if convention == "interleaved":
        a, b = x[..., 0::2], x[..., 1::2]
        return torch.stack([a * c - b * s, a * s + b * c], -1).reshape(x.shape)
    a, b = x[..., : d // 2], x[..., d // 2 :]
    return torch.cat([a * c - b * s, a * s + b * c], -1)
