"""torch: softmax in float32 (torch.softmax(scores, dim=-1, dtype=torch.float32), the Hugging Face habit), applied to float64 inputs too, then cast back: float32 accuracy in a float64 result."""
import math

import torch


def multi_head_attention(x, Wq, Wk, Wv, Wo, n_heads, causal=False):
    d_model = x.shape[-1]
    if n_heads < 1 or d_model % n_heads != 0:
        raise ValueError(f"n_heads={n_heads} must be a positive divisor of d_model={d_model}")

    def split(t):
        *lead, T, d = t.shape
        return t.reshape(*lead, T, n_heads, d // n_heads).transpose(-2, -3)

    q, k, v = (split(x @ W) for W in (Wq, Wk, Wv))
    T, dh = x.shape[-2], q.shape[-1]
    scores = q @ k.transpose(-2, -1) / math.sqrt(dh)
    if causal:
        future = torch.ones(T, T, dtype=torch.bool).triu(1)
        scores = scores.masked_fill(future, float("-inf"))
    weights = torch.softmax(scores, dim=-1, dtype=torch.float32).to(x.dtype)
    merged = (weights @ v).transpose(-2, -3).reshape(x.shape)
    return merged @ Wo
