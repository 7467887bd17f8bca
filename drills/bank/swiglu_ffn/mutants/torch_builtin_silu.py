"""torch: calls the forbidden built-in SiLU through getattr."""
import torch


def swiglu_ffn(x, w1, v, w2):
    silu = getattr(torch.nn.functional, "si" + "lu")
    return (silu(x @ w1) * (x @ v)) @ w2
