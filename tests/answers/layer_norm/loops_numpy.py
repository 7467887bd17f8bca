"""Loops over rows with Python floats (math.fsum), float64 inside, cast back to the input dtype."""
import math

import numpy as np


def layer_norm(x, gamma, beta, eps=1e-5):
    out = np.empty(x.shape, dtype=np.float64)
    d = x.shape[-1]
    for idx in np.ndindex(*x.shape[:-1]):
        row = [float(v) for v in x[idx]]
        mu = math.fsum(row) / d
        var = math.fsum((v - mu) ** 2 for v in row) / d
        denom = math.sqrt(var + eps)
        out[idx] = [(v - mu) / denom * float(g) + float(b) for v, g, b in zip(row, gamma, beta)]
    return out.astype(x.dtype)
