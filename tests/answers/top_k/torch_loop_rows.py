import torch


def top_k_probs(logits, k, temperature=1.0):
    if k < 1 or k > logits.shape[-1]:
        raise ValueError("k")
    if temperature <= 0:
        raise ValueError("T")
    x = logits / temperature
    vals, idx = x.topk(k)
    masked = torch.full_like(x, float("-inf"))
    masked.scatter_(-1, idx, vals)
    return masked.softmax(-1)


def top_k_sample(logits, k, temperature=1.0, generator=None):
    p = top_k_probs(logits, k, temperature)
    rows = p.reshape(-1, p.shape[-1])
    out = torch.empty(rows.shape[0], dtype=torch.long)
    for i in range(rows.shape[0]):
        out[i] = torch.multinomial(rows[i], 1, generator=generator)[0]
    return out.reshape(p.shape[:-1])
