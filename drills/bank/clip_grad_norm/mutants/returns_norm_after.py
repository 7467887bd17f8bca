"""Returns the norm after clipping instead of the norm before clipping."""
import torch


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    present = [g for g in grads if g is not None]
    if not present:
        return list(grads), 0.0
    total = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g, norm_type) for g in present]), norm_type)
    coef = torch.clamp(max_norm / (total + 1e-6), max=1.0)
    clipped = [None if g is None else g * coef for g in grads]
    return clipped, total * coef
