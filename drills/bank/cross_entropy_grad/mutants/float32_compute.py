"""Computes the loss and gradient in float32 whatever the logits' precision (logits.astype(np.float32)), then casts back: float64 logits get float32 accuracy."""
import numpy as np


def cross_entropy_grad(logits, targets, ignore_index=-100):
    num_classes = logits.shape[-1]
    z = logits.astype(np.float32).reshape(-1, num_classes)
    y = np.asarray(targets).reshape(-1)
    keep = y != ignore_index
    if ((y[keep] < 0) | (y[keep] >= num_classes)).any():
        raise ValueError(f"targets must lie in [0, {num_classes}) or equal ignore_index={ignore_index}")
    rows = np.flatnonzero(keep)
    m = len(rows)
    shifted = z - z.max(axis=-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    loss = -log_probs[rows, y[rows]].sum() / m
    grad = np.exp(log_probs)
    grad[rows, y[rows]] -= 1.0
    grad[~keep] = 0.0
    grad /= m
    return float(loss), grad.reshape(logits.shape).astype(logits.dtype)
