import numpy as np


def rms_norm(x, weight, eps=1e-6):
    D = x.shape[-1]
    n = np.linalg.norm(x, axis=-1, keepdims=True)
    return (x / np.sqrt(n * n / D + eps) * weight).astype(x.dtype)
