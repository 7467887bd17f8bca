"""torch: exp(z - logsumexp(z)), with the temperature applied as a multiplication by 1/T."""
import torch


def softmax(x, axis=-1, temperature=1.0):
    if temperature <= 0:
        raise ValueError(f"bad temperature {temperature}")
    z = x * (1.0 / temperature)
    return torch.exp(z - torch.logsumexp(z, dim=axis, keepdim=True))
