"""torch: softmax in float32 (softmax(scores, dim=-1, dtype=torch.float32), the Hugging Face habit), applied to float64 inputs too, then cast back: float32 accuracy in a float64 result."""
import math

import torch


def scaled_dot_product_attention(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1, dtype=torch.float32).to(q.dtype)
    return weights @ v
