"""Checks `temperature < 0` instead of `<= 0`: temperature 0 divides by zero instead of raising."""
import numpy as np


def softmax(x, axis=-1, temperature=1.0):
    if temperature < 0:
        raise ValueError("temperature must be positive")
    with np.errstate(all="ignore"):
        z = x / temperature
        e = np.exp(z - z.max(axis=axis, keepdims=True))
        return e / e.sum(axis=axis, keepdims=True)
