"""Clips each gradient by its own norm instead of the global norm (and returns the largest per-tensor norm)."""
import numpy as np


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    out, norms = [], []
    for g in grads:
        if g is None:
            out.append(None)
            continue
        n = float(np.sqrt((g.astype(np.float64) ** 2).sum()))
        norms.append(n)
        out.append(g * min(1.0, max_norm / (n + 1e-6)))
    return out, max(norms, default=0.0)
