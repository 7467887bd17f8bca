"""Does the update in float32 whatever the inputs' precision (astype(np.float32), as for a float32 optimizer state), then casts back: float64 parameters get float32 accuracy."""
import numpy as np


def adamw_step(param, grad, m, v, step, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
    beta1, beta2 = betas
    if lr < 0 or eps < 0 or weight_decay < 0 or step < 1 or not (0.0 <= beta1 < 1.0 and 0.0 <= beta2 < 1.0):
        raise ValueError("invalid hyperparameter")
    dt = param.dtype
    p, g, m32, v32 = (a.astype(np.float32) for a in (param, grad, m, v))
    m32 = beta1 * m32 + (1 - beta1) * g
    v32 = beta2 * v32 + (1 - beta2) * g * g
    m_hat = m32 / (1 - beta1**step)
    v_hat = v32 / (1 - beta2**step)
    p = p - lr * weight_decay * p
    p = p - lr * m_hat / (np.sqrt(v_hat) + eps)
    return p.astype(dt), m32.astype(dt), v32.astype(dt)
