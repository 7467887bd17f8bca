"""Reference: layer normalization over the last axis (Ba et al., 2016; torch.nn.LayerNorm), NumPy and PyTorch."""

import numpy as np


def layer_norm(x, gamma, beta, eps=1e-5):
    mean = x.mean(-1, keepdims=True)
    centred = x - mean
    var = (centred * centred).mean(-1, keepdims=True)  # biased: divide by D; from centred values (stable)
    if isinstance(x, np.ndarray):
        inv_std = 1.0 / np.sqrt(var + eps)  # eps inside the square root
    else:
        inv_std = (var + eps).rsqrt()
    return centred * inv_std * gamma + beta
