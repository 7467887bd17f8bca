"""torch: clones, lerp for the first moment, torch's own operation order (bias corrections folded into the step)."""
import math

import torch


def adamw_step(param, grad, m, v, step, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
    beta1, beta2 = betas
    checks = [lr >= 0, eps >= 0, 0 <= beta1 < 1, 0 <= beta2 < 1, weight_decay >= 0, step >= 1]
    if not all(checks):
        raise ValueError("bad AdamW arguments")
    p = param.clone().mul_(1 - lr * weight_decay)
    m_new = m.lerp(grad, 1 - beta1)
    v_new = v.mul(beta2).addcmul_(grad, grad, value=1 - beta2)
    bc1 = 1 - beta1**step
    bc2_sqrt = math.sqrt(1 - beta2**step)
    denom = (v_new.sqrt() / bc2_sqrt).add_(eps)
    p.addcdiv_(m_new, denom, value=-lr / bc1)
    return p, m_new, v_new
