"""torch: calls the forbidden built-in through getattr."""
import torch


def scaled_dot_product_attention(q, k, v, mask=None):
    fn = getattr(torch.nn.functional, "scaled_dot_" + "product_attention")
    return fn(q, k, v, attn_mask=mask)
