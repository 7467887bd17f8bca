"""Uses GELU (tanh approximation) as the gate: GEGLU, not SwiGLU."""
import numpy as np


def swiglu_ffn(x, w1, v, w2):
    a = x @ w1
    gelu = 0.5 * a * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (a + 0.044715 * a**3)))
    return (gelu * (x @ v)) @ w2
