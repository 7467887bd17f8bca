"""Builds W' explicitly every forward pass and calls F.linear; the norm is computed under no_grad."""
import math

import torch
import torch.nn.functional as F
from torch import nn


class Dora(nn.Module):
    def __init__(self, base, r, alpha):
        super().__init__()
        self.base = base
        for p in self.base.parameters():
            p.requires_grad = False
        out_f, in_f = base.weight.shape
        self.lora_A = nn.Parameter(torch.empty(r, in_f, dtype=base.weight.dtype))
        torch.nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        self.lora_B = nn.Parameter(torch.zeros(out_f, r, dtype=base.weight.dtype))
        self.scaling = alpha / r
        with torch.no_grad():
            self.magnitude = nn.Parameter(base.weight.pow(2).sum(dim=1).sqrt())

    def merged_weight(self):
        v = self.base.weight + self.scaling * torch.mm(self.lora_B, self.lora_A)
        with torch.no_grad():
            norm = v.pow(2).sum(dim=1, keepdim=True).sqrt()
        return self.magnitude.unsqueeze(1) * v / norm

    def forward(self, x):
        return F.linear(x, self.merged_weight(), self.base.bias)


def add_dora(base, r, alpha):
    if not isinstance(r, int) or isinstance(r, bool) or r <= 0:
        raise ValueError("r must be a positive integer")
    return Dora(base, r, alpha)
