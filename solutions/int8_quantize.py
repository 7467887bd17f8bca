"""Reference: symmetric absmax int8 quantization, per output channel (row) or per tensor, NumPy and PyTorch.

scale = absmax / 127 (1 for an all-zero row or tensor); q = clamp(round_half_even(w / scale), -127, 127)
as int8; dequantize: q * scale. Dettmers et al., 2022 (LLM.int8()), Section 2.1 and 3.1.
"""

import numpy as np


def quantize_int8(w, per_channel=True):
    if isinstance(w, np.ndarray):
        absmax = np.abs(w).max(axis=1, keepdims=True) if per_channel else np.abs(w).max()
        scale = np.where(absmax > 0, absmax / 127, 1).astype(w.dtype)  # all-zero row/tensor: scale 1, q 0
        q = np.clip(np.round(w / scale), -127, 127).astype(np.int8)  # np.round: half to even
        return q, scale
    import torch

    absmax = w.abs().amax(dim=1, keepdim=True) if per_channel else w.abs().max()
    scale = torch.where(absmax > 0, absmax / 127, torch.ones_like(absmax))
    q = torch.round(w / scale).clamp(-127, 127).to(torch.int8)  # torch.round: half to even
    return q, scale


def dequantize_int8(q, scale):
    if isinstance(q, np.ndarray):
        return q.astype(scale.dtype) * scale
    return q.to(scale.dtype) * scale
