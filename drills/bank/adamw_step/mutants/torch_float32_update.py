"""torch: does the update in float32 (.float() on param, grad and state, the mixed-precision master-weights habit) for float64 inputs too, then casts back: float32 accuracy in float64 results."""
import torch


def adamw_step(param, grad, m, v, step, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
    beta1, beta2 = betas
    if lr < 0 or eps < 0 or weight_decay < 0 or step < 1 or not (0.0 <= beta1 < 1.0 and 0.0 <= beta2 < 1.0):
        raise ValueError("invalid hyperparameter")
    dt = param.dtype
    p, g, m32, v32 = (a.float() for a in (param, grad, m, v))
    m32 = beta1 * m32 + (1 - beta1) * g
    v32 = beta2 * v32 + (1 - beta2) * g * g
    m_hat = m32 / (1 - beta1**step)
    v_hat = v32 / (1 - beta2**step)
    p = p * (1 - lr * weight_decay)
    p = p - lr * m_hat / (v_hat.sqrt() + eps)
    return p.to(dt), m32.to(dt), v32.to(dt)
