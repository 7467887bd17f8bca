"""torch: dequantizes as q.float() * scale: with a 0-d float64 scale, type promotion keeps float32, so float64 weights come back at float32 accuracy (and dtype)."""
import torch


def quantize_int8(w, per_channel=True):
    absmax = w.abs().amax(dim=1, keepdim=True) if per_channel else w.abs().max()
    scale = torch.where(absmax > 0, absmax / 127, torch.ones_like(absmax))
    q = torch.round(w / scale).clamp(-127, 127).to(torch.int8)
    return q, scale


def dequantize_int8(q, scale):
    return q.float() * scale
