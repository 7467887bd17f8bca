"""Uses ReLU as the gate activation (ReGLU) instead of SiLU."""
import numpy as np


def swiglu_ffn(x, w1, v, w2):
    return (np.maximum(x @ w1, 0.0) * (x @ v)) @ w2
