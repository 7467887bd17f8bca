import math

import torch
import torch.nn.functional as F


def transformer_block(x, params, n_heads, pre_norm=True, eps=1e-5):
    """One causal decoder block; weights applied as z @ W + b.

    pre_norm=True:  h = x + Attn(LN1(x));  out = h + FFN(LN2(h))
    pre_norm=False: h = LN1(x + Attn(x));  out = LN2(h + FFN(h))
    x: (..., T, d) -> (..., T, d)
    """
    raise NotImplementedError("write the transformer block here")
