"""torch: softmax of the top k in float32 (torch.softmax(..., dtype=torch.float32), the Hugging Face habit), for float64 logits too, then cast back: float32 accuracy in a float64 result."""
import torch


def _check(logits, k, temperature):
    vocab = logits.shape[-1]
    if not 1 <= k <= vocab:
        raise ValueError(f"k must be between 1 and the vocabulary size {vocab}, got {k}")
    if not temperature > 0:
        raise ValueError(f"temperature must be positive, got {temperature}")


def top_k_probs(logits, k, temperature=1.0):
    _check(logits, k, temperature)
    values, idx = torch.topk(logits, k, dim=-1)
    w = torch.softmax(values / temperature, dim=-1, dtype=torch.float32).to(logits.dtype)
    return torch.zeros_like(logits).scatter(-1, idx, w)


def top_k_sample(logits, k, temperature=1.0, generator=None):
    _check(logits, k, temperature)
    values, idx = torch.topk(logits, k, dim=-1)
    w = torch.softmax(values / temperature, dim=-1, dtype=torch.float32)
    j = torch.multinomial(w.reshape(-1, k), 1, generator=generator)
    return idx.gather(-1, j.reshape(idx.shape[:-1] + (1,))).squeeze(-1)
