"""Reference: the SwiGLU feed-forward (Shazeer, 2020, Eq. 6), bias-free, NumPy and PyTorch."""

import numpy as np


def _sigmoid_numpy(z):
    # Never exp of a large positive number: e = exp(-|z|) is in (0, 1].
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def swiglu_ffn(x, w1, v, w2):
    gate = x @ w1  # (..., d_ff), goes through SiLU
    up = x @ v  # (..., d_ff), stays linear
    if isinstance(x, np.ndarray):
        return (gate * _sigmoid_numpy(gate) * up) @ w2
    import torch

    return (gate * torch.sigmoid(gate) * up) @ w2  # torch.sigmoid is stable, and so is its gradient
