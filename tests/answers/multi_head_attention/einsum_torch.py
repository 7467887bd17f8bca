"""torch with einsum and unflatten, a finfo.min fill and F.softmax."""
import math

import torch
import torch.nn.functional as F


def multi_head_attention(x, Wq, Wk, Wv, Wo, n_heads, causal=False):
    d = x.size(-1)
    if n_heads < 1 or d % n_heads != 0:
        raise ValueError(f"cannot split d_model={d} into {n_heads} heads")
    dh = d // n_heads
    q = torch.einsum("...td,de->...te", x, Wq).unflatten(-1, (n_heads, dh))  # (..., T, H, dh)
    k = torch.einsum("...td,de->...te", x, Wk).unflatten(-1, (n_heads, dh))
    v = torch.einsum("...td,de->...te", x, Wv).unflatten(-1, (n_heads, dh))
    s = torch.einsum("...ihc,...jhc->...hij", q, k) / math.sqrt(dh)
    if causal:
        T = x.size(-2)
        keep = torch.tril(torch.ones(T, T, dtype=torch.bool))
        s = s.masked_fill(~keep, torch.finfo(s.dtype).min)
    out = torch.einsum("...hij,...jhc->...ihc", F.softmax(s, dim=-1), v).flatten(-2)
    return out @ Wo
