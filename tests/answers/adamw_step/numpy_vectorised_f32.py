"""NumPy, vectorised, in the input dtype; decay folded into one multiply."""
import numpy as np


def adamw_step(param, grad, m, v, step, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
    beta1, beta2 = betas
    for name, ok in (("lr", lr >= 0), ("eps", eps >= 0), ("beta1", 0 <= beta1 < 1),
                     ("beta2", 0 <= beta2 < 1), ("weight_decay", weight_decay >= 0), ("step", step >= 1)):
        if not ok:
            raise ValueError(f"invalid {name}")
    dt = param.dtype
    m = (beta1 * m + (1 - beta1) * grad).astype(dt)
    v = (beta2 * v + (1 - beta2) * np.square(grad)).astype(dt)
    m_hat = m / dt.type(1 - beta1**step)
    v_hat = v / dt.type(1 - beta2**step)
    new = param * dt.type(1 - lr * weight_decay) - dt.type(lr) * m_hat / (np.sqrt(v_hat) + dt.type(eps))
    return new.astype(dt), m, v
