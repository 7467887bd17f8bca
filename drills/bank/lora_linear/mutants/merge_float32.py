"""merge()/unmerge() form scaling * B @ A in float32 (PEFT's cast_to_fp32 applied to every dtype) and cast it back: a float64 layer's merged weight and output get float32 accuracy, and unmerge() does not restore the weight exactly."""

import math

import torch
from torch import nn


class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, r: int, alpha: float):
        super().__init__()
        if isinstance(r, bool) or not isinstance(r, int) or r < 1:
            raise ValueError(f"r must be a positive int, got {r!r}")
        self.base = base
        for p in base.parameters():
            p.requires_grad_(False)  # the pretrained weights stay frozen
        w = base.weight
        self.scaling = alpha / r
        self.lora_A = nn.Parameter(torch.empty(r, base.in_features, dtype=w.dtype, device=w.device))
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, r, dtype=w.dtype, device=w.device))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))  # U(-1/sqrt(in), 1/sqrt(in)); B = 0: delta W = 0 at init
        self.merged = False

    def delta_weight(self) -> torch.Tensor:
        # B @ A in float32, then cast back to the weight's dtype (PEFT's cast_to_fp32, applied to every dtype)
        return (self.scaling * (self.lora_B.float() @ self.lora_A.float())).to(self.lora_A.dtype)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.base(x)  # x W^T + b
        if self.merged:
            return out  # the update already lives in base.weight
        return out + (x @ self.lora_A.T @ self.lora_B.T) * self.scaling  # never forms the (out, in) product

    @torch.no_grad()
    def merge(self) -> None:
        if not self.merged:
            self.base.weight += self.delta_weight()
            self.merged = True

    @torch.no_grad()
    def unmerge(self) -> None:
        if self.merged:
            self.base.weight -= self.delta_weight()
            self.merged = False


def add_lora(base, r, alpha):
    return LoRALinear(base, r, alpha)
