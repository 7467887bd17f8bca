import torch


def _check(logits, k, temperature):
    if k < 1 or k > logits.shape[-1]:
        raise ValueError("k out of range")
    if temperature <= 0:
        raise ValueError("temperature must be positive")


def _masked(logits, k, temperature):
    x = logits.double()
    kth = torch.topk(x, k, dim=-1).indices
    keep = torch.zeros_like(x, dtype=torch.bool).scatter(-1, kth, True)
    return torch.where(keep, (x - x.amax(-1, keepdim=True)) / temperature, torch.tensor(float("-inf"), dtype=x.dtype))


def top_k_probs(logits, k, temperature=1.0):
    _check(logits, k, temperature)
    return torch.softmax(_masked(logits, k, temperature), dim=-1)


def top_k_sample(logits, k, temperature=1.0, generator=None):
    _check(logits, k, temperature)
    z = _masked(logits, k, temperature)
    u = torch.rand(z.shape, generator=generator, dtype=torch.float64).clamp_min(1e-300)
    return torch.argmax(z - torch.log(-torch.log(u)), dim=-1)
