"""Adds the per-gradient 2-norms instead of combining them as sqrt(sum of squares)."""
import torch


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    present = [g for g in grads if g is not None]
    if not present:
        return list(grads), 0.0
    norms = [torch.linalg.vector_norm(g, norm_type) for g in present]
    total = torch.stack(norms).max() if norm_type == float("inf") else torch.stack(norms).sum()
    coef = torch.clamp(max_norm / (total + 1e-6), max=1.0)
    return [None if g is None else g * coef for g in grads], total
