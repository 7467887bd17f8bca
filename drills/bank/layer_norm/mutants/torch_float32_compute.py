"""torch: upcasts to float32 as model code does for float16 (x.float()), applied to float64 input too, then casts back: float32 accuracy in a float64 result."""
import torch


def layer_norm(x, gamma, beta, eps=1e-5):
    h = x.float()
    mean = h.mean(-1, keepdim=True)
    centred = h - mean
    var = (centred * centred).mean(-1, keepdim=True)
    out = centred * (var + eps).rsqrt()
    return out.to(x.dtype) * gamma + beta
