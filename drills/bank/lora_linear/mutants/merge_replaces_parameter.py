"""merge()/unmerge() replace base.weight with a new nn.Parameter: it requires grad again (base unfrozen) and is a new tensor."""
import math

import torch
import torch.nn.functional as F
from torch import nn


class LoRALinear(nn.Module):
    def __init__(self, base, r, alpha):
        super().__init__()
        self.base = base
        for p in base.parameters():
            p.requires_grad_(False)
        w = base.weight
        self.lora_A = nn.Parameter(torch.empty(r, base.in_features, dtype=w.dtype, device=w.device))
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, r, dtype=w.dtype, device=w.device))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        self.scaling = alpha / r
        self.merged = False

    def forward(self, x):
        y = self.base(x)
        if self.merged:
            return y
        return y + self.scaling * F.linear(F.linear(x, self.lora_A), self.lora_B)

    @torch.no_grad()
    def merge(self):
        if not self.merged:
            self.base.weight = nn.Parameter(self.base.weight + self.scaling * (self.lora_B @ self.lora_A))
            self.merged = True

    @torch.no_grad()
    def unmerge(self):
        if self.merged:
            self.base.weight = nn.Parameter(self.base.weight - self.scaling * (self.lora_B @ self.lora_A))
            self.merged = False


def add_lora(base, r, alpha):
    if isinstance(r, bool) or not isinstance(r, int) or r <= 0:
        raise ValueError("r must be a positive int")
    return LoRALinear(base, r, alpha)
