"""torch: takes the norms in float32 (torch.linalg.vector_norm(g.float())), for float64 gradients too: total_norm and the clip coefficient have float32 accuracy only."""
import torch


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    p = float(norm_type)
    present = [g for g in grads if g is not None]
    if not present:
        return [None for _ in grads], 0.0
    norms = torch.stack([torch.linalg.vector_norm(g.detach().float(), p) for g in present])
    total = torch.linalg.vector_norm(norms, p)
    coef = torch.clamp(max_norm / (total + 1e-6), max=1.0)
    return [None if g is None else g * coef for g in grads], total
