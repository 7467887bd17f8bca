"""Computes in float64 and returns float64 gradients even for float32 inputs."""
import numpy as np


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    present = [np.asarray(g, dtype=np.float64) for g in grads if g is not None]
    p = float(norm_type)
    if np.isinf(p):
        total = max((float(np.abs(g).max()) for g in present if g.size), default=0.0)
    else:
        total = sum(float((np.abs(g) ** p).sum()) for g in present) ** (1.0 / p)
    coef = min(1.0, max_norm / (total + 1e-6))
    return [None if g is None else np.asarray(g, dtype=np.float64) * coef for g in grads], total
