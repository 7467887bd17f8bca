"""Reference: rotary position embeddings (Su et al., 2021, RoFormer, Eq. 34), NumPy and PyTorch.

"interleaved" rotates the pairs (x[2i], x[2i+1]) (the paper, GPT-J, Meta's LLaMA);
"half" rotates the pairs (x[i], x[i + d/2]) (GPT-NeoX, Hugging Face LLaMA's rotate_half).
Pair i is rotated by the angle m * theta_i, theta_i = base ** (-2i / d).
"""

import numpy as np


def rope(x, convention, positions=None, base=10000.0):
    d, T = x.shape[-1], x.shape[-2]
    if d % 2:
        raise ValueError(f"RoPE needs an even feature size, got d={d}")
    if convention not in ("interleaved", "half"):
        raise ValueError(f"convention must be 'interleaved' or 'half', got {convention!r}")
    if isinstance(x, np.ndarray):
        m = np.arange(T) if positions is None else np.asarray(positions)
        theta = float(base) ** (-np.arange(0, d, 2, dtype=np.float64) / d)  # (d/2,)
        angles = m[:, None].astype(np.float64) * theta  # (T, d/2), float64 whatever the input
        cos, sin = np.cos(angles).astype(x.dtype), np.sin(angles).astype(x.dtype)
        cat = lambda parts: np.concatenate(parts, axis=-1)  # noqa: E731
        stack = lambda parts: np.stack(parts, axis=-1).reshape(x.shape)  # noqa: E731
    else:
        import torch

        m = torch.arange(T) if positions is None else positions
        theta = float(base) ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)
        angles = m[:, None].to(torch.float64) * theta
        cos, sin = angles.cos().to(x.dtype), angles.sin().to(x.dtype)
        cat = lambda parts: torch.cat(parts, dim=-1)  # noqa: E731
        stack = lambda parts: torch.stack(parts, dim=-1).reshape(x.shape)  # noqa: E731
    if convention == "interleaved":
        a, b = x[..., 0::2], x[..., 1::2]  # pair i = (x[2i], x[2i+1])
        return stack([a * cos - b * sin, a * sin + b * cos])
    a, b = x[..., : d // 2], x[..., d // 2 :]  # pair i = (x[i], x[i + d/2])
    return cat([a * cos - b * sin, a * sin + b * cos])
