"""Reference: scaled dot-product attention (Vaswani et al., 2017, Eq. 1), NumPy and PyTorch."""

import math

import numpy as np


def scaled_dot_product_attention(q, k, v, mask=None):
    if isinstance(q, np.ndarray):
        return _numpy(q, k, v, mask)
    return _torch(q, k, v, mask)


def _numpy(q, k, v, mask):
    scores = q @ np.swapaxes(k, -1, -2) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    scores = scores - scores.max(axis=-1, keepdims=True)  # stable: exp(x - max) <= 1
    weights = np.exp(scores)
    weights = weights / weights.sum(axis=-1, keepdims=True)
    return weights @ v


def _torch(q, k, v, mask):
    import torch

    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return torch.softmax(scores, dim=-1) @ v  # torch.softmax subtracts the max internally
