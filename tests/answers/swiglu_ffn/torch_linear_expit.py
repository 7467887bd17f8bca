"""torch: F.linear with transposed (in, out) weights and torch.special.expit for the sigmoid."""
import torch
import torch.nn.functional as F


def swiglu_ffn(x, w1, v, w2):
    gate = F.linear(x, w1.T)
    up = F.linear(x, v.T)
    return F.linear(gate * torch.special.expit(gate) * up, w2.T)
