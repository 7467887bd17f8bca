"""Rescales the bias too: (m / ||V||) * (x W0^T + b + lora) instead of adding b afterwards."""

import math

import torch
from torch import nn


class DoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, r: int, alpha: float):
        super().__init__()
        if isinstance(r, bool) or not isinstance(r, int) or r < 1:
            raise ValueError(f"r must be a positive int, got {r!r}")
        self.base = base
        base.requires_grad_(False)  # W0 and b stay frozen
        w = base.weight
        self.scaling = alpha / r
        self.lora_A = nn.Parameter(torch.empty(r, base.in_features, dtype=w.dtype, device=w.device))
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, r, dtype=w.dtype, device=w.device))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        # m = ||W0||_c: one magnitude per output unit (the norm of each row of the (out, in) weight)
        self.magnitude = nn.Parameter(torch.linalg.norm(w.detach(), dim=1))

    def direction(self) -> torch.Tensor:
        return self.base.weight + self.scaling * (self.lora_B @ self.lora_A)  # V = W0 + s B A, (out, in)

    def weight_norm(self) -> torch.Tensor:
        # ||W0 + s B A||_c, treated as a constant for gradients (DoRA, Section 4.3; PEFT detaches it too)
        return torch.linalg.norm(self.direction(), dim=1).detach()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        scale = self.magnitude / self.weight_norm()  # (out,)
        lora = (x @ self.lora_A.T @ self.lora_B.T) * self.scaling
        bias = self.base.bias
        return scale * (self.base(x) + lora)

    def merged_weight(self) -> torch.Tensor:
        return (self.magnitude / self.weight_norm())[:, None] * self.direction()


def add_dora(base, r, alpha):
    return DoRALinear(base, r, alpha)
