"""torch: floors dh = d_model // n_heads without checking divisibility, so a bad n_heads gives a RuntimeError, not ValueError."""
import math

import torch


def multi_head_attention(x, Wq, Wk, Wv, Wo, n_heads, causal=False):
    *lead, T, d = x.shape
    dh = d // max(n_heads, 1)
    q, k, v = ((x @ W).view(*lead, T, n_heads, dh).transpose(-2, -3) for W in (Wq, Wk, Wv))
    s = q @ k.transpose(-1, -2) / math.sqrt(dh)
    if causal:
        s = s.masked_fill(torch.ones(T, T, dtype=torch.bool).triu(1), float("-inf"))
    return (torch.softmax(s, -1) @ v).transpose(-2, -3).reshape(x.shape) @ Wo
