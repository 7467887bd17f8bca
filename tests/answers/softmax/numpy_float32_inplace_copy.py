"""NumPy, stays in the input's dtype, works on an explicit copy (in-place ops on the copy only)."""
import numpy as np


def softmax(x, axis=-1, temperature=1.0):
    if temperature <= 0:
        raise ValueError("temperature must be strictly positive")
    z = np.array(x, copy=True)
    z /= np.asarray(temperature, dtype=z.dtype)
    z -= np.amax(z, axis=axis, keepdims=True)
    np.exp(z, out=z)
    z /= np.sum(z, axis=axis, keepdims=True)
    return z
