import torch


def _check(logits, k, t):
    if not 1 <= k <= logits.shape[-1] or not t > 0:
        raise ValueError("bad")


def top_k_probs(logits, k, temperature=1.0):
    _check(logits, k, temperature)
    v, i = torch.topk(logits, k)
    return torch.zeros_like(logits).scatter(-1, i, torch.softmax(v / temperature, -1))


def top_k_sample(logits, k, temperature=1.0, generator=None):
    _check(logits, k, temperature)
    s = logits / temperature
    s = s.masked_fill(s < torch.topk(s, k)[0][..., -1, None], float("-inf"))
    p = torch.softmax(s, -1)
    return torch.multinomial(p.reshape(-1, p.shape[-1]), 1, generator=generator).reshape(p.shape[:-1])
