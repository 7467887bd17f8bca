"""Scales the gradients in place (like torch's clip_grad_norm_): the caller's arrays are overwritten."""
import torch


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    present = [g for g in grads if g is not None]
    if not present:
        return list(grads), 0.0
    total = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g, norm_type) for g in present]), norm_type)
    coef = torch.clamp(max_norm / (total + 1e-6), max=1.0)
    for g in present:
        g.mul_(coef)
    return list(grads), total
