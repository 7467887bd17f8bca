"""Counts steps from 0 inside: uses step + 1 in the bias correction, as if the caller's count started at 0."""
import numpy as np


def adamw_step(param, grad, m, v, step, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
    b1, b2 = betas
    if lr < 0 or eps < 0 or not (0 <= b1 < 1 and 0 <= b2 < 1) or weight_decay < 0 or step < 1:
        raise ValueError("invalid argument")
    t = step + 1
    m = b1 * m + (1 - b1) * grad
    v = b2 * v + (1 - b2) * grad * grad
    m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
    return param - lr * weight_decay * param - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
