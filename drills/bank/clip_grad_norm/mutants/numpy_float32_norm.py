"""Takes the norms in float32 (np.linalg.norm(g.astype(np.float32))), for float64 gradients too: total_norm and the clip coefficient have float32 accuracy only."""
import numpy as np


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    p = float(norm_type)
    norms = [np.linalg.norm(g.astype(np.float32).ravel(), p) if g.size else np.float32(0.0) for g in grads if g is not None]
    if not norms:
        total = np.float32(0.0)
    elif np.isinf(p):
        total = max(norms)
    else:
        total = np.linalg.norm(np.array(norms, dtype=np.float32), p)
    coef = min(np.float32(1.0), np.float32(max_norm) / (total + np.float32(1e-6)))
    return [None if g is None else g * coef for g in grads], total
