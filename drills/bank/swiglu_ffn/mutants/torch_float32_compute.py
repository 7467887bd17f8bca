"""torch: computes in float32 (x.float(), weights .float()), applied to float64 inputs too, then casts back: float32 accuracy in a float64 result."""
import torch


def swiglu_ffn(x, w1, v, w2):
    h = x.float()
    gate = h @ w1.float()
    up = h @ v.float()
    return ((gate * torch.sigmoid(gate) * up) @ w2.float()).to(x.dtype)
