"""einsum for every product, .data for the in-place merge, float64 accumulation of the delta."""
import math

import torch
from torch import nn


class LoRAWrapper(nn.Module):
    def __init__(self, base, r, alpha):
        super().__init__()
        self.base = base
        self.base.requires_grad_(False)
        out_f, in_f = base.weight.shape
        self.lora_A = nn.Parameter(base.weight.new_empty(r, in_f))
        self.lora_B = nn.Parameter(base.weight.new_zeros(out_f, r))
        torch.nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        self.r, self.alpha = r, alpha
        self.scaling = float(alpha) / r
        self.merged = False

    def _delta(self):
        d = torch.einsum("or,ri->oi", self.lora_B.detach().double(), self.lora_A.detach().double())
        return (d * self.scaling).to(self.base.weight.dtype)

    def forward(self, x):
        if self.merged:
            return self.base(x)
        low = torch.einsum("...i,ri->...r", x, self.lora_A)
        return self.base(x) + self.scaling * torch.einsum("...r,or->...o", low, self.lora_B)

    def merge(self):
        if not self.merged:
            self.base.weight.data += self._delta()
            self.merged = True

    def unmerge(self):
        if self.merged:
            self.base.weight.data -= self._delta()
            self.merged = False


def add_lora(base, r, alpha):
    if not isinstance(r, int) or isinstance(r, bool) or r < 1:
        raise ValueError(f"bad rank {r!r}")
    return LoRAWrapper(base, r, alpha)
