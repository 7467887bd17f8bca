"""Reference: global-norm gradient clipping, as torch.nn.utils.clip_grad_norm_ does it; NumPy and PyTorch."""

import math

import numpy as np


def _norm(g, p):
    """The p-norm of one array, as a Python float."""
    if isinstance(g, np.ndarray):
        a = np.abs(g.astype(np.float64)).ravel()
        if a.size == 0:
            return 0.0
        return float(a.max()) if math.isinf(p) else float((a**p).sum() ** (1.0 / p))
    import torch

    return float(torch.linalg.vector_norm(g.detach().double(), p))


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    present = [g for g in grads if g is not None]  # None: a parameter that got no gradient
    p = float(norm_type)
    norms = [_norm(g, p) for g in present]
    if not norms:
        total = 0.0
    elif math.isinf(p):
        total = max(norms)  # the inf-norm of all entries is the largest per-array inf-norm
    else:
        total = sum(n**p for n in norms) ** (1.0 / p)  # norm of the per-array norms = the global norm
    coef = min(1.0, max_norm / (total + 1e-6))  # torch's eps; coef = 1 leaves the gradients as they are
    clipped = [None if g is None else g * coef for g in grads]  # new arrays, same dtype (coef is a Python float)
    return clipped, total
