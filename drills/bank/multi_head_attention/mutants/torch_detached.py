"""torch: detaches the inputs first, so the output carries no gradient to x or the weights."""
import math

import torch


def multi_head_attention(x, Wq, Wk, Wv, Wo, n_heads, causal=False):
    *lead, T, d = x.shape
    if n_heads < 1 or d % n_heads:
        raise ValueError("n_heads must divide d_model")
    dh = d // n_heads
    x, Wq, Wk, Wv, Wo = (t.detach() for t in (x, Wq, Wk, Wv, Wo))
    q, k, v = ((x @ W).reshape(*lead, T, n_heads, dh).transpose(-2, -3) for W in (Wq, Wk, Wv))
    s = q @ k.transpose(-1, -2) / math.sqrt(dh)
    if causal:
        s = s.masked_fill(torch.ones(T, T, dtype=torch.bool).triu(1), float("-inf"))
    return (torch.softmax(s, -1) @ v).transpose(-2, -3).reshape(x.shape) @ Wo
