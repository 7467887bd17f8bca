"""torch: SiLU as z / (1 + exp(-z)): the forward is fine, but the gradient is nan where z ~ -1000."""
import torch


def swiglu_ffn(x, w1, v, w2):
    a = x @ w1
    return (a / (1.0 + torch.exp(-a)) * (x @ v)) @ w2
