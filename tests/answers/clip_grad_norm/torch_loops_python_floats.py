"""torch: plain loops accumulating |x|^p in a Python float, clipping only when needed."""
import math

import torch


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    acc = 0.0
    inf = math.isinf(norm_type)
    for g in grads:
        if g is None:
            continue
        for x in g.reshape(-1).tolist():
            acc = max(acc, abs(x)) if inf else acc + abs(x) ** norm_type
    total = acc if inf else acc ** (1.0 / norm_type)
    coef = max_norm / (total + 1e-6)
    if coef >= 1.0:
        return [None if g is None else g.clone() for g in grads], total
    return [None if g is None else g.mul(coef) for g in grads], total
