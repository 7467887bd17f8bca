"""Takes log(max(softmax, 1e-12)): no inf, but a confident wrong prediction is capped at a loss of ~27.6."""
import numpy as np


def cross_entropy_grad(logits, targets, ignore_index=-100):
    c = logits.shape[-1]
    z, y = logits.reshape(-1, c), targets.reshape(-1)
    keep = y != ignore_index
    if ((y[keep] < 0) | (y[keep] >= c)).any():
        raise ValueError("target out of range")
    rows = np.flatnonzero(keep)
    e = np.exp(z - z.max(-1, keepdims=True))
    p = e / e.sum(-1, keepdims=True)
    loss = -np.log(np.maximum(p[rows, y[rows]], 1e-12)).mean()
    grad = p.copy()
    grad[rows, y[rows]] -= 1.0
    grad[~keep] = 0.0
    return loss, (grad / len(rows)).reshape(logits.shape)
