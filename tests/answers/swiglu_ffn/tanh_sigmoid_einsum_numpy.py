import numpy as np


def swiglu_ffn(x, w1, v, w2):
    g = np.einsum("...i,if->...f", x, w1)
    u = np.einsum("...i,if->...f", x, v)
    silu = g * 0.5 * (1.0 + np.tanh(0.5 * g))
    return np.einsum("...f,fo->...o", silu * u, w2)
