"""torch with F.softmax, torch.finfo(dtype).min fill and einsum."""
import math

import torch
import torch.nn.functional as F


def scaled_dot_product_attention(q, k, v, mask=None):
    scores = torch.einsum("...id,...jd->...ij", q, k) / math.sqrt(q.size(-1))
    if mask is not None:
        scores = scores.masked_fill(mask.logical_not(), torch.finfo(scores.dtype).min)
    return torch.einsum("...ij,...jd->...id", F.softmax(scores, dim=-1), v)
