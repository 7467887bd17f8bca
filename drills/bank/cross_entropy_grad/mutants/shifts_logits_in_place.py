"""Subtracts the row max from the logits in place: the caller's logits are overwritten."""
import numpy as np


def cross_entropy_grad(logits, targets, ignore_index=-100):
    c = logits.shape[-1]
    logits -= logits.max(-1, keepdims=True)
    z, y = logits.reshape(-1, c), targets.reshape(-1)
    keep = y != ignore_index
    if ((y[keep] < 0) | (y[keep] >= c)).any():
        raise ValueError("target out of range")
    rows = np.flatnonzero(keep)
    logp = z - np.log(np.exp(z).sum(-1, keepdims=True))
    loss = -logp[rows, y[rows]].mean()
    grad = np.exp(logp)
    grad[rows, y[rows]] -= 1.0
    grad[~keep] = 0.0
    return loss, (grad / len(rows)).reshape(logits.shape)
