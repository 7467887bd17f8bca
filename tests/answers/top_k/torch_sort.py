import torch


def top_k_probs(logits, k, temperature=1.0):
    if not (1 <= k <= logits.size(-1)):
        raise ValueError(f"bad k={k}")
    if not temperature > 0:
        raise ValueError(f"bad temperature={temperature}")
    sorted_logits, order = torch.sort(logits, dim=-1, descending=True)
    positions = torch.arange(logits.size(-1))
    sorted_logits = sorted_logits.masked_fill(positions >= k, float("-inf"))
    sorted_probs = torch.nn.functional.softmax(sorted_logits / temperature, dim=-1)
    return torch.zeros_like(sorted_probs).scatter(-1, order, sorted_probs)


def top_k_sample(logits, k, temperature=1.0, generator=None):
    p = top_k_probs(logits, k, temperature)
    flat = p.reshape(-1, p.shape[-1]).to(torch.float64)
    u = torch.rand(flat.shape[0], 1, generator=generator, dtype=torch.float64)
    cdf = flat.cumsum(-1)
    ids = (cdf <= u * cdf[:, -1:]).sum(-1)
    # guard: never land past the last token with positive probability
    last = (flat > 0).long().cumsum(-1).argmax(-1)
    ids = torch.minimum(ids, last)
    return ids.reshape(p.shape[:-1])
