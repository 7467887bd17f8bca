import math

import torch
from torch import nn


class Lora(nn.Module):
    def __init__(self, base, r, alpha):
        super().__init__()
        base.weight.requires_grad = False
        if base.bias is not None:
            base.bias.requires_grad = False
        self.base = base
        fan_in = base.in_features
        bound = 1.0 / math.sqrt(fan_in)
        A = torch.empty(r, fan_in, dtype=base.weight.dtype, device=base.weight.device)
        A.uniform_(-bound, bound)
        self.lora_A = nn.Parameter(A)
        self.lora_B = nn.Parameter(base.weight.new_zeros(base.out_features, r))
        self.scaling = float(alpha) / float(r)
        self.merged = False

    def delta(self):
        return self.scaling * torch.einsum("or,ri->oi", self.lora_B, self.lora_A)

    def forward(self, x):
        out = torch.einsum("...i,oi->...o", x, self.base.weight)
        if self.base.bias is not None:
            out = out + self.base.bias
        if not self.merged:
            xa = torch.einsum("...i,ri->...r", x, self.lora_A)
            out = out + self.scaling * torch.einsum("...r,or->...o", xa, self.lora_B)
        return out

    def merge(self):
        if self.merged:
            return
        with torch.no_grad():
            self.base.weight.add_(self.delta())
        self.merged = True

    def unmerge(self):
        if not self.merged:
            return
        with torch.no_grad():
            self.base.weight.sub_(self.delta())
        self.merged = False


def add_lora(base, r, alpha):
    if type(r) is not int or r < 1:
        raise ValueError(f"bad rank {r!r}")
    return Lora(base, r, alpha)
