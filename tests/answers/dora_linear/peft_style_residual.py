"""PEFT's arrangement: base(x) + (m/||V|| - 1) * x W0^T + (m/||V||) * s * B(A(x)), the norm detached."""
import math

import torch
from torch import nn


class DoraLayer(nn.Module):
    def __init__(self, base, r, alpha):
        super().__init__()
        if type(r) is not int or r < 1:
            raise ValueError(f"invalid rank {r}")
        self.base = base.requires_grad_(False)
        dt = base.weight.dtype
        self.lora_A = nn.Parameter(torch.empty(r, base.in_features, dtype=dt))
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, r, dtype=dt))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        self.scaling = alpha / r
        self.magnitude = nn.Parameter(base.weight.detach().norm(p=2, dim=1).clone())

    def _scale(self):
        lora_weight = (self.lora_B @ self.lora_A).detach()
        norm = (self.base.weight + self.scaling * lora_weight).norm(p=2, dim=1)
        return (self.magnitude / norm.detach()).view(1, -1)

    def forward(self, x):
        lead = x.shape[:-1]
        x2 = x.reshape(-1, x.shape[-1])
        scale = self._scale()
        base_out = self.base(x2)
        plain = x2 @ self.base.weight.T
        lora = (x2 @ self.lora_A.T) @ self.lora_B.T
        y = base_out + (scale - 1) * plain + scale * lora * self.scaling
        return y.reshape(*lead, -1)

    def merged_weight(self):
        v = self.base.weight + self.scaling * self.lora_B @ self.lora_A
        return self._scale().view(-1, 1) * v


def add_dora(base, r, alpha):
    return DoraLayer(base, r, alpha)
