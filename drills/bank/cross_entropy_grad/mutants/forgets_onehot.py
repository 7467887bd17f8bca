"""Gradient softmax / M without subtracting the one-hot target (only the log-sum-exp term is differentiated)."""
import numpy as np


def cross_entropy_grad(logits, targets, ignore_index=-100):
    c = logits.shape[-1]
    z, y = logits.reshape(-1, c), targets.reshape(-1)
    keep = y != ignore_index
    if ((y[keep] < 0) | (y[keep] >= c)).any():
        raise ValueError("target out of range")
    rows = np.flatnonzero(keep)
    s = z - z.max(-1, keepdims=True)
    logp = s - np.log(np.exp(s).sum(-1, keepdims=True))
    loss = -logp[rows, y[rows]].mean()
    grad = np.exp(logp)
    grad[~keep] = 0.0
    return loss, (grad / len(rows)).reshape(logits.shape)
