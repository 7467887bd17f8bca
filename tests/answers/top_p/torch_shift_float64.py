"""torch in float64: the classic 'cumsum > p, shift right' mask, cast back to the input dtype."""
import torch


def top_p_probs(logits, p, temperature=1.0):
    if not (0 < p <= 1) or not (temperature > 0):
        raise ValueError("invalid p or temperature")
    x = logits.double() / temperature
    probs = torch.softmax(x, dim=-1)
    s, idx = probs.sort(dim=-1, descending=True)
    cum = s.cumsum(-1)
    drop = torch.zeros_like(cum, dtype=torch.bool)
    drop[..., 1:] = cum[..., :-1] >= p
    s = s.masked_fill(drop, 0.0)
    s = s / s.sum(-1, keepdim=True)
    return torch.zeros_like(probs).scatter(-1, idx, s).to(logits.dtype)


def top_p_sample(logits, p, temperature=1.0, generator=None):
    w = top_p_probs(logits, p, temperature).double()
    u = torch.rand(w.shape[:-1] + (1,), generator=generator, dtype=torch.float64)
    cdf = w.cumsum(-1)
    ids = (cdf <= u).sum(-1, keepdim=True).clamp(max=w.shape[-1] - 1)
    # rounding at the top of the CDF: step back to the last token with nonzero weight
    last = (w > 0).long().cumsum(-1).argmax(-1, keepdim=True)
    return torch.minimum(ids, last).squeeze(-1)
