"""torch: angles in float64 as asked, but the rotation in float32 (x.float(), cos/sin .float(), Hugging Face's habit), then cast back: float64 input gets float32 accuracy."""
import torch


def rope(x, convention, positions=None, base=10000.0):
    d, T = x.shape[-1], x.shape[-2]
    if d % 2:
        raise ValueError(f"RoPE needs an even feature size, got d={d}")
    if convention not in ("interleaved", "half"):
        raise ValueError(f"convention must be 'interleaved' or 'half', got {convention!r}")
    m = torch.arange(T) if positions is None else positions
    theta = float(base) ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)
    angles = m[:, None].to(torch.float64) * theta
    cos, sin = angles.cos().float(), angles.sin().float()
    h = x.float()
    if convention == "interleaved":
        a, b = h[..., 0::2], h[..., 1::2]
        out = torch.stack([a * cos - b * sin, a * sin + b * cos], dim=-1).reshape(x.shape)
    else:
        a, b = h[..., : d // 2], h[..., d // 2 :]
        out = torch.cat([a * cos - b * sin, a * sin + b * cos], dim=-1)
    return out.to(x.dtype)
