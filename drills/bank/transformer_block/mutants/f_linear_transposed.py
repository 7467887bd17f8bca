"""Uses F.linear(z, W, b) for the attention projections, which computes z @ W.T + b."""
import math

import torch
import torch.nn.functional as F


def _ln(z, p, name, eps):
    return F.layer_norm(z, (z.shape[-1],), p[f"{name}.weight"], p[f"{name}.bias"], eps)


def _attn(z, p, n_heads, causal=True, scale_by_d=False):
    *lead, T, d = z.shape
    dh = d // n_heads
    split = lambda t: t.reshape(*lead, T, n_heads, dh).transpose(-2, -3)  # noqa: E731
    q, k, v = (split(z @ p[f"attn.w{c}"] + p[f"attn.b{c}"]) for c in "qkv")
    s = q @ k.transpose(-2, -1) / math.sqrt(d if scale_by_d else dh)
    if causal:
        s = s.masked_fill(torch.ones(T, T, dtype=torch.bool).triu(1), float("-inf"))
    return (torch.softmax(s, -1) @ v).transpose(-2, -3).reshape(*lead, T, d) @ p["attn.wo"] + p["attn.bo"]


def _ffn(z, p, act=F.gelu):
    return act(z @ p["ffn.w1"] + p["ffn.b1"]) @ p["ffn.w2"] + p["ffn.b2"]


def _check(x, n_heads):
    if n_heads < 1 or x.shape[-1] % n_heads:
        raise ValueError("n_heads must divide d")


def transformer_block(x, params, n_heads, pre_norm=True, eps=1e-5):
    _check(x, n_heads)
    p = params
    def attn(z):
        *lead, T, d = z.shape
        dh = d // n_heads
        split = lambda t: t.reshape(*lead, T, n_heads, dh).transpose(-2, -3)  # noqa: E731
        q, k, v = (split(F.linear(z, p[f"attn.w{c}"], p[f"attn.b{c}"])) for c in "qkv")
        s = (q @ k.transpose(-2, -1) / math.sqrt(dh)).masked_fill(torch.ones(T, T, dtype=torch.bool).triu(1), float("-inf"))
        return F.linear((torch.softmax(s, -1) @ v).transpose(-2, -3).reshape(*lead, T, d), p["attn.wo"], p["attn.bo"])

    if pre_norm:
        h = x + attn(_ln(x, p, "ln1", eps))
        return h + _ffn(_ln(h, p, "ln2", eps), p)
    h = _ln(x + attn(x), p, "ln1", eps)
    return _ln(h + _ffn(h, p), p, "ln2", eps)
