"""torch: Hugging Face's LlamaRMSNorm habit, hidden_states.to(torch.float32), applied to float64 input too: float32 precision only."""
import torch


def rms_norm(x, weight, eps=1e-6):
    dt = x.dtype
    h = x.to(torch.float32)
    h = h * torch.rsqrt(h.pow(2).mean(-1, keepdim=True) + eps)
    return weight * h.to(dt)
