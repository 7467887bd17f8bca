"""torch: quantizes in float32 (w.float()) whatever w's dtype and casts the scale back, and dequantizes as q.float() * scale: float64 weights get float32 accuracy."""
import torch


def quantize_int8(w, per_channel=True):
    dt = w.dtype
    w = w.float()
    absmax = w.abs().amax(dim=1, keepdim=True) if per_channel else w.abs().max()
    scale = torch.where(absmax > 0, absmax / 127, torch.ones_like(absmax))
    q = torch.round(w / scale).clamp(-127, 127).to(torch.int8)
    return q, scale.to(dt)


def dequantize_int8(q, scale):
    return (q.float() * scale.float()).to(scale.dtype)
