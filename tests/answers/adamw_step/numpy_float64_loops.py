"""NumPy: a plain loop over the entries in Python floats (float64), cast back to the input dtype."""
import math

import numpy as np


def adamw_step(param, grad, m, v, step, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
    b1, b2 = betas
    if lr < 0:
        raise ValueError("lr must be >= 0")
    if eps < 0:
        raise ValueError("eps must be >= 0")
    if not 0.0 <= b1 < 1.0 or not 0.0 <= b2 < 1.0:
        raise ValueError("betas must be in [0, 1)")
    if weight_decay < 0:
        raise ValueError("weight_decay must be >= 0")
    if step < 1:
        raise ValueError("step counts from 1")
    out_p, out_m, out_v = np.empty_like(param), np.empty_like(m), np.empty_like(v)
    c1, c2 = 1.0 - b1**step, 1.0 - b2**step
    for i in np.ndindex(param.shape):
        p, g = float(param[i]), float(grad[i])
        mi = b1 * float(m[i]) + (1.0 - b1) * g
        vi = b2 * float(v[i]) + (1.0 - b2) * g * g
        p = p * (1.0 - lr * weight_decay)
        out_p[i] = p - lr * (mi / c1) / (math.sqrt(vi / c2) + eps)
        out_m[i], out_v[i] = mi, vi
    return out_p, out_m, out_v
