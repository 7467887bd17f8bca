"""Always computes the 2-norm, whatever norm_type says."""
import numpy as np


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    present = [g for g in grads if g is not None]
    total = float(np.sqrt(sum(float((g.astype(np.float64) ** 2).sum()) for g in present)))
    coef = min(1.0, max_norm / (total + 1e-6))
    return [None if g is None else g * coef for g in grads], total
