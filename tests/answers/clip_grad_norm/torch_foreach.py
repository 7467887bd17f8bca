"""torch: torch._foreach_norm per tensor, a tensor total_norm, the clamped coefficient as a tensor."""
import torch


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    present = [g for g in grads if g is not None]
    if len(present) == 0:
        return [None] * len(grads), torch.tensor(0.0)
    per = torch._foreach_norm([g.double() for g in present], norm_type)
    total = torch.linalg.vector_norm(torch.stack(per), norm_type)
    coef = torch.clamp(max_norm / (total + 1e-6), max=1.0)
    out = []
    for g in grads:
        out.append(None if g is None else (g.double() * coef).to(g.dtype))
    return out, total
