"""torch: builds the angles in float32 (as many model files do) even for float64 input: wrong at large positions."""
import torch


def rope(x, convention, positions=None, base=10000.0):
    d, T = x.shape[-1], x.shape[-2]
    if d % 2 or convention not in ("interleaved", "half"):
        raise ValueError("bad d or convention")
    m = torch.arange(T) if positions is None else positions
    inv_freq = 1.0 / (base ** (torch.arange(0, d, 2).float() / d))
    ang = m[:, None].float() * inv_freq
    c, s = ang.cos().to(x.dtype), ang.sin().to(x.dtype)
    if convention == "interleaved":
        a, b = x[..., 0::2], x[..., 1::2]
        return torch.stack([a * c - b * s, a * s + b * c], -1).reshape(x.shape)
    a, b = x[..., : d // 2], x[..., d // 2 :]
    return torch.cat([a * c - b * s, a * s + b * c], -1)
