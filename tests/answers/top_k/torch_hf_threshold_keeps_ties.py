import torch


def top_k_probs(logits, k, temperature=1.0):
    if k < 1 or k > logits.shape[-1] or temperature <= 0:
        raise ValueError("bad")
    scores = logits / temperature
    kth = torch.topk(scores, k)[0][..., -1, None]
    scores = scores.masked_fill(scores < kth, float("-inf"))
    return torch.softmax(scores, dim=-1)


def top_k_sample(logits, k, temperature=1.0, generator=None):
    p = top_k_probs(logits, k, temperature)
    return torch.multinomial(p.reshape(-1, p.shape[-1]), 1, generator=generator).reshape(p.shape[:-1])
