"""Hugging Face style: layer norms in float32 (z.float(), then .to(z.dtype)) and softmax with dtype=torch.float32, applied to
float64 input too: float32 accuracy in a float64 result.

post-norm (Vaswani et al., 2017):  h = LN1(x + Attn(x));       out = LN2(h + FFN(h))
pre-norm (Xiong et al., 2020):     h = x + Attn(LN1(x));       out = h + FFN(LN2(h))
"""

import math

import torch
import torch.nn.functional as F


def transformer_block(x, params, n_heads, pre_norm=True, eps=1e-5):
    d = x.shape[-1]
    if n_heads < 1 or d % n_heads != 0:
        raise ValueError(f"n_heads={n_heads} must be a positive divisor of d_model={d}")
    p = params

    def ln(z, name):
        return F.layer_norm(z.float(), (d,), p[f"{name}.weight"].float(), p[f"{name}.bias"].float(), eps).to(z.dtype)  # biased variance, eps inside sqrt

    def attn(z):
        *lead, T, _ = z.shape
        dh = d // n_heads

        def heads(w, b):  # (..., T, d) -> (..., H, T, dh); head h = columns h*dh:(h+1)*dh
            return (z @ p[w] + p[b]).reshape(*lead, T, n_heads, dh).transpose(-2, -3)

        q, k, v = heads("attn.wq", "attn.bq"), heads("attn.wk", "attn.bk"), heads("attn.wv", "attn.bv")
        scores = q @ k.transpose(-2, -1) / math.sqrt(dh)
        future = torch.ones(T, T, dtype=torch.bool, device=z.device).triu(1)
        weights = torch.softmax(scores.masked_fill(future, float("-inf")), dim=-1, dtype=torch.float32).to(z.dtype)
        merged = (weights @ v).transpose(-2, -3).reshape(*lead, T, d)
        return merged @ p["attn.wo"] + p["attn.bo"]

    def ffn(z):
        return F.gelu(z @ p["ffn.w1"] + p["ffn.b1"]) @ p["ffn.w2"] + p["ffn.b2"]  # exact (erf) GELU

    if pre_norm:
        h = x + attn(ln(x, "ln1"))
        return h + ffn(ln(h, "ln2"))
    h = ln(x + attn(x), "ln1")
    return ln(h + ffn(h), "ln2")
