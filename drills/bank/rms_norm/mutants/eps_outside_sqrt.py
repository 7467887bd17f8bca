"""Adds eps to the root mean square, sqrt(mean(x^2)) + eps, instead of inside the square root."""
import numpy as np


def rms_norm(x, weight, eps=1e-6):
    return x / (np.sqrt((x * x).mean(-1, keepdims=True)) + eps) * weight
