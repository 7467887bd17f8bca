"""Casts to float64, uses take_along_axis / put_along_axis; returns a NumPy float64 scalar."""
import numpy as np


def cross_entropy_grad(logits, targets, ignore_index=-100):
    c = logits.shape[-1]
    z = logits.astype(np.float64).reshape(-1, c)
    y = np.array(targets, dtype=np.int64).reshape(-1)
    mask = y != ignore_index
    if np.any(mask & ((y < 0) | (y >= c))):
        raise ValueError("invalid target")
    y_safe = np.where(mask, y, 0)[:, None]
    m = np.count_nonzero(mask)
    z_max = np.max(z, axis=1, keepdims=True)
    logsum = z_max + np.log(np.sum(np.exp(z - z_max), axis=1, keepdims=True))
    nll = (logsum - np.take_along_axis(z, y_safe, axis=1))[:, 0]
    loss = np.sum(np.where(mask, nll, 0.0)) / m
    probs = np.exp(z - logsum)
    np.put_along_axis(probs, y_safe, np.take_along_axis(probs, y_safe, axis=1) - 1.0, axis=1)
    grad = np.where(mask[:, None], probs, 0.0) / m
    return np.float64(loss), grad.reshape(logits.shape)
