"""torch: torch.linalg.vector_norm scaled by sqrt(D), in float32-or-better like LLaMA's x.float()."""
import math

import torch


def rms_norm(x, weight, eps=1e-6):
    h = x.to(torch.promote_types(x.dtype, torch.float32))
    ms = torch.linalg.vector_norm(h, dim=-1, keepdim=True).square() / x.shape[-1]
    return (h / torch.sqrt(ms + eps)).type_as(x) * weight
