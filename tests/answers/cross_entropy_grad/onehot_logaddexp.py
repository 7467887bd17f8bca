"""Vectorised with a one-hot matrix and a weight per position; log-sum-exp via np.logaddexp.reduce."""
import numpy as np


def cross_entropy_grad(logits, targets, ignore_index=-100):
    *lead, c = logits.shape
    x = logits.reshape(-1, c)
    t = targets.reshape(-1).astype(np.int64)
    valid = t != ignore_index
    bad = valid & ((t < 0) | (t >= c))
    if bad.any():
        raise ValueError("found targets outside [0, C)")
    w = valid.astype(x.dtype) / valid.sum()  # 1/M for kept positions, 0 for ignored
    safe_t = np.where(valid, t, 0)
    onehot = np.zeros_like(x)
    onehot[np.arange(len(t)), safe_t] = 1.0
    lse = np.logaddexp.reduce(x, axis=-1, keepdims=True)
    picked = (x * onehot).sum(-1)
    loss = float(((lse[:, 0] - picked) * w).sum())
    grad = (np.exp(x - lse) - onehot) * w[:, None]
    return loss, grad.reshape(logits.shape)
