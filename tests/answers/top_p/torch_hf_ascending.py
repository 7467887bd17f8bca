"""Hugging Face's TopPLogitsWarper formulation: ascending sort, remove cumsum <= 1 - p, -inf fill, softmax."""
import torch


def _warp(logits, p, temperature):
    if not 0 < p <= 1:
        raise ValueError(f"top_p must be in (0, 1], got {p}")
    if temperature <= 0:
        raise ValueError("temperature must be strictly positive")
    scores = logits / temperature
    sorted_logits, sorted_indices = torch.sort(scores, descending=False)
    cumulative = sorted_logits.softmax(dim=-1).cumsum(dim=-1)
    sorted_remove = cumulative <= (1 - p)
    sorted_remove[..., -1:] = False
    remove = sorted_remove.scatter(-1, sorted_indices, sorted_remove)
    return scores.masked_fill(remove, float("-inf"))


def top_p_probs(logits, p, temperature=1.0):
    return torch.softmax(_warp(logits, p, temperature), dim=-1)


def top_p_sample(logits, p, temperature=1.0, generator=None):
    probs = top_p_probs(logits, p, temperature)
    v = probs.shape[-1]
    return torch.multinomial(probs.reshape(-1, v), num_samples=1, generator=generator).view(probs.shape[:-1])
