"""NumPy: concatenate every gradient into one float64 vector and take np.linalg.norm of it."""
import numpy as np


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    present = [g for g in grads if g is not None]
    flat = np.concatenate([np.ravel(g).astype(np.float64) for g in present]) if present else np.zeros(0)
    total = float(np.linalg.norm(flat, ord=norm_type)) if flat.size else 0.0
    scale = max_norm / (total + 1e-6)
    if scale >= 1.0:
        return [None if g is None else g.copy() for g in grads], total
    return [None if g is None else (g * scale).astype(g.dtype) for g in grads], np.float64(total)
