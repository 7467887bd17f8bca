"""Moves the axis to the end and loops over slices with math.exp; computes in float64 and casts back."""
import math

import numpy as np


def softmax(x, axis=-1, temperature=1.0):
    if not temperature > 0:
        raise ValueError("temperature must be positive")
    moved = np.moveaxis(np.asarray(x, dtype=np.float64), axis, -1)
    out = np.empty_like(moved)
    for idx in np.ndindex(*moved.shape[:-1]):
        row = moved[idx] / temperature
        top = max(row)
        weights = [math.exp(v - top) if v != -math.inf else 0.0 for v in row]
        total = math.fsum(weights)
        out[idx] = [w / total for w in weights]
    return np.moveaxis(out, -1, axis).astype(x.dtype)
