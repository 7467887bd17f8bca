"""Scales by max_norm / total_norm when total_norm > max_norm: drops torch's 1e-6 in the coefficient."""
import numpy as np


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    present = [g for g in grads if g is not None]
    p = float(norm_type)
    if np.isinf(p):
        total = max((float(np.abs(g).max()) for g in present if g.size), default=0.0)
    else:
        total = sum(float((np.abs(g) ** p).sum()) for g in present) ** (1.0 / p)
    coef = max_norm / total if total > max_norm else 1.0
    return [None if g is None else g * coef for g in grads], total
