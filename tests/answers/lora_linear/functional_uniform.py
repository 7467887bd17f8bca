"""F.linear twice for the low-rank path; A drawn with uniform_(-1/sqrt(in), 1/sqrt(in)) by hand."""
import math

import torch
import torch.nn.functional as F
from torch import nn


class Lora(nn.Module):
    def __init__(self, base, r, alpha):
        super().__init__()
        self.base = base
        base.weight.requires_grad = False
        if base.bias is not None:
            base.bias.requires_grad = False
        bound = 1.0 / math.sqrt(base.in_features)
        kw = dict(dtype=base.weight.dtype, device=base.weight.device)
        self.lora_A = nn.Parameter(torch.empty(r, base.in_features, **kw).uniform_(-bound, bound))
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, r, **kw))
        self.scaling = alpha / r
        self.merged = False

    def forward(self, x):
        y = F.linear(x, self.base.weight, self.base.bias)
        if not self.merged:
            y = y + self.scaling * F.linear(F.linear(x, self.lora_A), self.lora_B)
        return y

    def merge(self):
        if self.merged:
            return
        with torch.no_grad():
            self.base.weight.add_(self.lora_B @ self.lora_A, alpha=self.scaling)
        self.merged = True

    def unmerge(self):
        if not self.merged:
            return
        with torch.no_grad():
            self.base.weight.sub_(self.lora_B @ self.lora_A, alpha=self.scaling)
        self.merged = False


def add_lora(base, r, alpha):
    if type(r) is not int or r <= 0:
        raise ValueError("rank must be a positive integer")
    return Lora(base, r, alpha)
