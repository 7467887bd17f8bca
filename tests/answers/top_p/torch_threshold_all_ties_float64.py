"""torch: float64 softmax, nucleus size n from the exclusive cumsum, every token >= the n-th largest kept (all ties), torch.multinomial."""
import torch


def top_p_probs(logits, p, temperature=1.0):
    if not (0 < p <= 1) or not (temperature > 0):
        raise ValueError("need 0 < p <= 1 and temperature > 0")
    q = torch.softmax(logits.double() / temperature, dim=-1)
    qs, _ = torch.sort(q, dim=-1, descending=True)
    csum = torch.cumsum(qs, dim=-1)
    # n = number of sorted tokens whose preceding mass < p
    n = ((csum - qs) < p).sum(dim=-1, keepdim=True).clamp(min=1)
    thresh = torch.gather(qs, -1, n - 1)
    kept = torch.where(q >= thresh, q, torch.zeros_like(q))
    return (kept / kept.sum(dim=-1, keepdim=True)).to(logits.dtype)


def top_p_sample(logits, p, temperature=1.0, generator=None):
    probs = top_p_probs(logits, p, temperature)
    flat = probs.reshape(-1, probs.shape[-1])
    ids = torch.multinomial(flat, 1, generator=generator).squeeze(-1)
    return ids.reshape(probs.shape[:-1])
