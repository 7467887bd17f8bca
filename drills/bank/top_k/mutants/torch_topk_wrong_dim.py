"""torch: torch.topk(logits, k, dim=0) picks the top k down the batch axis instead of over the vocabulary."""
import torch


def _validate(logits, k, temperature):
    if not 1 <= k <= logits.shape[-1] or temperature <= 0:
        raise ValueError("bad k or temperature")


def top_k_probs(logits, k, temperature=1.0):
    _validate(logits, k, temperature)
    values, idx = torch.topk(logits, min(k, logits.shape[0]), dim=0)
    masked = torch.full_like(logits, float("-inf")).scatter(0, idx, values / temperature)
    finite = torch.isfinite(masked).any(-1, keepdim=True)
    masked = torch.where(finite, masked, logits / temperature)
    return torch.softmax(masked, dim=-1)


def top_k_sample(logits, k, temperature=1.0, generator=None):
    p = top_k_probs(logits, k, temperature)
    flat = torch.multinomial(p.reshape(-1, p.shape[-1]), 1, generator=generator)
    return flat.reshape(p.shape[:-1])
