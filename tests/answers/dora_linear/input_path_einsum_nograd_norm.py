import math

import torch
from torch import nn


class Dora(nn.Module):
    def __init__(self, base, r, alpha):
        super().__init__()
        for p in base.parameters():
            p.requires_grad = False
        self.base = base
        W = base.weight
        a = torch.empty(r, W.shape[1], dtype=W.dtype, device=W.device)
        bound = 1.0 / math.sqrt(W.shape[1])
        with torch.no_grad():
            a.uniform_(-bound, bound)
        self.lora_A = nn.Parameter(a)
        self.lora_B = nn.Parameter(W.new_zeros(W.shape[0], r))
        self.scaling = float(alpha) / r
        with torch.no_grad():
            mag = (W * W).sum(dim=1).sqrt()
        self.magnitude = nn.Parameter(mag)

    def _norm(self):
        with torch.no_grad():
            V = self.base.weight + self.scaling * torch.einsum("or,ri->oi", self.lora_B, self.lora_A)
            return (V * V).sum(-1).sqrt()

    def forward(self, x):
        out = torch.einsum("...i,oi->...o", x, self.base.weight)
        xa = torch.einsum("...i,ri->...r", x, self.lora_A)
        out = out + self.scaling * torch.einsum("...r,or->...o", xa, self.lora_B)
        out = out * (self.magnitude / self._norm())
        if self.base.bias is not None:
            out = out + self.base.bias
        return out

    def merged_weight(self):
        V = self.base.weight + self.scaling * self.lora_B @ self.lora_A
        return V * (self.magnitude / self._norm()).unsqueeze(1)


def add_dora(base, r, alpha):
    if not isinstance(r, int) or isinstance(r, bool) or r <= 0:
        raise ValueError(r)
    return Dora(base, r, alpha)
