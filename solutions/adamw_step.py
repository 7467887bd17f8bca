"""Reference: one AdamW update (Loshchilov & Hutter, 2019), as in torch.optim.AdamW; NumPy and PyTorch."""

import math

import numpy as np


def adamw_step(param, grad, m, v, step, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
    beta1, beta2 = betas
    if lr < 0:
        raise ValueError(f"invalid learning rate {lr}: must be >= 0")
    if eps < 0:
        raise ValueError(f"invalid eps {eps}: must be >= 0")
    if not (0.0 <= beta1 < 1.0 and 0.0 <= beta2 < 1.0):
        raise ValueError(f"invalid betas {betas}: each must be in [0, 1)")
    if weight_decay < 0:
        raise ValueError(f"invalid weight_decay {weight_decay}: must be >= 0")
    if step < 1:
        raise ValueError(f"invalid step {step}: steps count from 1")

    sqrt = np.sqrt if isinstance(param, np.ndarray) else (lambda x: x.sqrt())
    # Out of place throughout: the caller's arrays are never modified.
    m = beta1 * m + (1 - beta1) * grad  # first moment
    v = beta2 * v + (1 - beta2) * grad * grad  # second moment
    m_hat = m / (1 - beta1**step)  # bias corrections, t counted from 1
    v_hat = v / (1 - beta2**step)
    decayed = param - lr * weight_decay * param  # decoupled decay uses theta_{t-1}, not the gradient
    new_param = decayed - lr * m_hat / (sqrt(v_hat) + eps)  # eps outside the square root
    return new_param, m, v
