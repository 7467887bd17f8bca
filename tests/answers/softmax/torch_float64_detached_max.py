"""torch: computes in float64, subtracts a detached per-slice max, casts back to the input dtype."""
import torch


def softmax(x, axis=-1, temperature=1.0):
    if temperature <= 0.0:
        raise ValueError("temperature must be positive")
    z = x.to(torch.float64) / temperature
    m = torch.max(z, dim=axis, keepdim=True).values.detach()
    e = torch.exp(z - m)
    return (e / torch.sum(e, dim=axis, keepdim=True)).to(x.dtype)
