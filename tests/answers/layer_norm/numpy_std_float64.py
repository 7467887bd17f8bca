"""NumPy: np.var (ddof=0 by default) in float64, returns float64 whatever the input dtype."""
import numpy as np


def layer_norm(x, gamma, beta, eps=1e-5):
    x64 = np.asarray(x, dtype=np.float64)
    mean = np.mean(x64, axis=-1, keepdims=True)
    var = np.var(x64, axis=-1, keepdims=True)
    return np.asarray(gamma, dtype=np.float64) * (x64 - mean) / np.sqrt(var + eps) + np.asarray(beta, dtype=np.float64)
