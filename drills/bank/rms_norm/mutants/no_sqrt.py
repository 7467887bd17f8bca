"""Divides by the mean square itself, forgetting the square root."""
import numpy as np


def rms_norm(x, weight, eps=1e-6):
    return x / ((x * x).mean(-1, keepdims=True) + eps) * weight
