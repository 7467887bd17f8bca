"""torch: multiplies the logits by the temperature instead of dividing (right only for T = 1)."""
import torch


def _validate(logits, k, temperature):
    if not 1 <= k <= logits.shape[-1] or temperature <= 0:
        raise ValueError("bad k or temperature")


def top_k_probs(logits, k, temperature=1.0):
    _validate(logits, k, temperature)
    values, idx = torch.topk(logits, k, dim=-1)
    masked = torch.full_like(logits, float("-inf")).scatter(-1, idx, values * temperature)
    return torch.softmax(masked, dim=-1)


def top_k_sample(logits, k, temperature=1.0, generator=None):
    p = top_k_probs(logits, k, temperature)
    flat = torch.multinomial(p.reshape(-1, p.shape[-1]), 1, generator=generator)
    return flat.reshape(p.shape[:-1])
