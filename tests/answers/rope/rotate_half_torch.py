"""torch, Hugging Face style: cos/sin tables of width d, rotate_half and rotate_every_two."""
import torch


def _rotate_half(x):
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat((-x2, x1), dim=-1)


def _rotate_every_two(x):
    x1, x2 = x[..., ::2], x[..., 1::2]
    return torch.stack((-x2, x1), dim=-1).flatten(-2)


def rope(x, convention, positions=None, base=10000.0):
    d = x.shape[-1]
    if d % 2:
        raise ValueError("d must be even")
    if convention not in {"interleaved", "half"}:
        raise ValueError("convention must be 'interleaved' or 'half'")
    if positions is None:
        positions = torch.arange(x.shape[-2])
    inv_freq = 1.0 / (base ** (torch.arange(0, d, 2, dtype=torch.float64) / d))
    freqs = torch.outer(positions.to(torch.float64), inv_freq)
    if convention == "half":
        emb = torch.cat((freqs, freqs), dim=-1)
        rot = _rotate_half(x)
    else:
        emb = freqs.repeat_interleave(2, dim=-1)
        rot = _rotate_every_two(x)
    return x * emb.cos().to(x.dtype) + rot * emb.sin().to(x.dtype)
