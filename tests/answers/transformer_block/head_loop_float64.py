"""Computes in float64 whatever the input dtype, loops over heads, uses F.linear with transposed weights and F.gelu."""
import math

import torch
import torch.nn.functional as F


def transformer_block(x, params, n_heads, pre_norm=True, eps=1e-5):
    dtype = x.dtype
    d = x.shape[-1]
    if n_heads <= 0 or d % n_heads:
        raise ValueError("n_heads must divide the model size")
    p = {k: v.to(torch.float64) for k, v in params.items()}
    x = x.to(torch.float64)
    dh = d // n_heads

    def lin(z, w, b):
        return F.linear(z, p[w].T, p[b])

    def attn(z):
        T = z.shape[-2]
        q, k, v = lin(z, "attn.wq", "attn.bq"), lin(z, "attn.wk", "attn.bk"), lin(z, "attn.wv", "attn.bv")
        allowed = torch.tril(torch.ones(T, T, dtype=torch.bool))
        outs = []
        for h in range(n_heads):
            c = slice(h * dh, (h + 1) * dh)
            s = q[..., c] @ k[..., c].transpose(-1, -2) / math.sqrt(dh)
            s = torch.where(allowed, s, torch.tensor(-1e300, dtype=s.dtype))
            outs.append(F.softmax(s, dim=-1) @ v[..., c])
        return lin(torch.cat(outs, dim=-1), "attn.wo", "attn.bo")

    def ln(z, name):
        return F.layer_norm(z, (d,), p[name + ".weight"], p[name + ".bias"], eps=eps)

    def ffn(z):
        return lin(F.gelu(lin(z, "ffn.w1", "ffn.b1")), "ffn.w2", "ffn.b2")

    if pre_norm:
        h = x + attn(ln(x, "ln1"))
        out = h + ffn(ln(h, "ln2"))
    else:
        h = ln(x + attn(x), "ln1")
        out = ln(h + ffn(h), "ln2")
    return out.to(dtype)
