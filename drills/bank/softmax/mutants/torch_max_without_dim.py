"""torch: z.max() without a dim is the maximum of the whole tensor, not of each slice."""
import torch


def softmax(x, axis=-1, temperature=1.0):
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    z = x / temperature
    e = torch.exp(z - z.max())
    return e / e.sum(dim=axis, keepdim=True)
