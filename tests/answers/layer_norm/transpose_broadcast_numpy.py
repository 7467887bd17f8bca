"""Row means subtracted through transposes, (x.T - mean.T).T: broadcasts correctly for any number of axes."""
import numpy as np


def layer_norm(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=-1)
    c = (x.T - mu.T).T
    var = (c ** 2).mean(axis=-1)
    return (c.T / np.sqrt(var.T + eps)).T * gamma + beta
