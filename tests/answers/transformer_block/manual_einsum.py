"""Hand-written LayerNorm and erf GELU, einsum attention with an additive -inf bias, no torch.nn.functional."""
import math

import torch


def _layer_norm(z, w, b, eps):
    mu = z.mean(dim=-1, keepdim=True)
    var = z.var(dim=-1, keepdim=True, unbiased=False)
    return (z - mu) * torch.rsqrt(var + eps) * w + b


def _attention(z, p, n_heads):
    T, d = z.shape[-2], z.shape[-1]
    dh = d // n_heads
    q = (z @ p["attn.wq"] + p["attn.bq"]).unflatten(-1, (n_heads, dh))
    k = (z @ p["attn.wk"] + p["attn.bk"]).unflatten(-1, (n_heads, dh))
    v = (z @ p["attn.wv"] + p["attn.bv"]).unflatten(-1, (n_heads, dh))
    bias = torch.full((T, T), float("-inf"), dtype=z.dtype).triu(1)
    s = torch.einsum("...ihc,...jhc->...hij", q, k) * dh ** -0.5 + bias
    a = torch.einsum("...hij,...jhc->...ihc", s.softmax(dim=-1), v).flatten(-2)
    return a @ p["attn.wo"] + p["attn.bo"]


def _ffn(z, p):
    u = z @ p["ffn.w1"] + p["ffn.b1"]
    return (u * 0.5 * (1.0 + torch.erf(u / math.sqrt(2.0)))) @ p["ffn.w2"] + p["ffn.b2"]


def transformer_block(x, params, n_heads, pre_norm=True, eps=1e-5):
    d = x.shape[-1]
    if not (n_heads >= 1 and d % n_heads == 0):
        raise ValueError("bad n_heads")
    ln1 = lambda z: _layer_norm(z, params["ln1.weight"], params["ln1.bias"], eps)  # noqa: E731
    ln2 = lambda z: _layer_norm(z, params["ln2.weight"], params["ln2.bias"], eps)  # noqa: E731
    if pre_norm:
        x = x + _attention(ln1(x), params, n_heads)
        x = x + _ffn(ln2(x), params)
        return x
    x = ln1(x + _attention(x, params, n_heads))
    return ln2(x + _ffn(x, params))
