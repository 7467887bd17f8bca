import torch


def multi_head_attention(x, Wq, Wk, Wv, Wo, n_heads, causal=False):
    """Multi-head self-attention; projections are x @ W, head h uses columns h*dh:(h+1)*dh.

    x: (..., T, d_model); Wq, Wk, Wv, Wo: (d_model, d_model) -> (..., T, d_model)
    """
    raise NotImplementedError("write multi-head attention here")
