"""Adam with L2 regularisation instead of AdamW: adds weight_decay * param to the gradient, so the decay goes through the moments."""
import numpy as np


def adamw_step(param, grad, m, v, step, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
    b1, b2 = betas
    if lr < 0 or eps < 0 or not (0 <= b1 < 1 and 0 <= b2 < 1) or weight_decay < 0 or step < 1:
        raise ValueError("invalid argument")
    g = grad + weight_decay * param
    m = b1 * m + (1 - b1) * g
    v = b2 * v + (1 - b2) * g * g
    m_hat, v_hat = m / (1 - b1**step), v / (1 - b2**step)
    return param - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
