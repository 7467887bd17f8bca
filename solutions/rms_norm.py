"""Reference: RMSNorm (Zhang & Sennrich, 2019, Eq. 4) with eps inside the square root as in LLaMA, NumPy and PyTorch."""

import numpy as np


def rms_norm(x, weight, eps=1e-6):
    if isinstance(x, np.ndarray):
        mean_square = (x * x).mean(axis=-1, keepdims=True)  # divide by D: the mean, not the sum
        return x / np.sqrt(mean_square + eps) * weight  # no centring, no bias
    import torch

    return x * torch.rsqrt(x.pow(2).mean(dim=-1, keepdim=True) + eps) * weight
