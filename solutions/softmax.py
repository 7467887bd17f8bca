"""Reference: stable softmax with temperature (Hinton et al., 2015, Eq. 1), NumPy and PyTorch."""

import numpy as np


def softmax(x, axis=-1, temperature=1.0):
    if temperature <= 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    if isinstance(x, np.ndarray):
        z = x / temperature
        z = z - z.max(axis=axis, keepdims=True)  # stable: every exponent <= 0, the max gives exp(0) = 1
        e = np.exp(z)  # exp(-inf) = 0: -inf logits get probability 0
        return e / e.sum(axis=axis, keepdims=True)
    z = x / temperature
    z = z - z.amax(dim=axis, keepdim=True)
    e = z.exp()
    return e / e.sum(dim=axis, keepdim=True)
