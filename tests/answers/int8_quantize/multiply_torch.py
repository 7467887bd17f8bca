"""torch: multiplies by 127 / absmax computed in float64 (LLM.int8()'s form), a row loop for per channel."""
import torch


def _quantize(x, absmax):
    if absmax == 0:
        return torch.zeros_like(x, dtype=torch.int8), 1.0
    factor = 127.0 / absmax
    q = torch.round(x.double() * factor).clamp(-127, 127).to(torch.int8)
    return q, absmax / 127.0


def quantize_int8(w, per_channel=True):
    if per_channel:
        qs, scales = [], []
        for row in w:
            q, s = _quantize(row, float(row.abs().max()))
            qs.append(q)
            scales.append(s)
        return torch.stack(qs), torch.tensor(scales, dtype=w.dtype).unsqueeze(1)
    q, s = _quantize(w, float(w.abs().max()))
    return q, torch.tensor(s, dtype=w.dtype)


def dequantize_int8(q, scale):
    return q.to(scale.dtype).mul(scale)
