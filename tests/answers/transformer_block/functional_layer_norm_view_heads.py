import math

import torch
import torch.nn.functional as F


def _attn(z, p, H):
    *lead, T, d = z.shape
    dh = d // H
    q = (z @ p["attn.wq"] + p["attn.bq"]).view(*lead, T, H, dh).transpose(-2, -3)
    k = (z @ p["attn.wk"] + p["attn.bk"]).view(*lead, T, H, dh).transpose(-2, -3)
    v = (z @ p["attn.wv"] + p["attn.bv"]).view(*lead, T, H, dh).transpose(-2, -3)
    s = q @ k.transpose(-1, -2) / math.sqrt(dh)
    mask = torch.ones(T, T, dtype=torch.bool, device=z.device).tril()
    s = s.masked_fill(~mask, float("-inf"))
    o = torch.softmax(s, dim=-1) @ v
    o = o.transpose(-2, -3).reshape(*lead, T, d)
    return o @ p["attn.wo"] + p["attn.bo"]


def _ffn(z, p):
    return F.gelu(z @ p["ffn.w1"] + p["ffn.b1"]) @ p["ffn.w2"] + p["ffn.b2"]


def transformer_block(x, params, n_heads, pre_norm=True, eps=1e-5):
    d = x.shape[-1]
    if n_heads < 1 or d % n_heads:
        raise ValueError("n_heads must be >= 1 and divide d")
    ln1 = lambda z: F.layer_norm(z, (d,), params["ln1.weight"], params["ln1.bias"], eps)
    ln2 = lambda z: F.layer_norm(z, (d,), params["ln2.weight"], params["ln2.bias"], eps)
    if pre_norm:
        h = x + _attn(ln1(x), params, n_heads)
        return h + _ffn(ln2(h), params)
    h = ln1(x + _attn(x, params, n_heads))
    return ln2(h + _ffn(h, params))
