"""torch: splits the heads itself but calls the forbidden fused attention kernel."""
import torch
import torch.nn.functional as F


def multi_head_attention(x, Wq, Wk, Wv, Wo, n_heads, causal=False):
    *lead, T, d = x.shape
    if n_heads < 1 or d % n_heads:
        raise ValueError("n_heads must divide d_model")
    q, k, v = ((x @ W).reshape(*lead, T, n_heads, d // n_heads).transpose(-2, -3) for W in (Wq, Wk, Wv))
    out = F.scaled_dot_product_attention(q, k, v, is_causal=causal)
    return out.transpose(-2, -3).reshape(x.shape) @ Wo
