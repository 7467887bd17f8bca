"""torch: calls torch.multinomial without the generator, so draws come from torch's global RNG."""
import torch


def _check(p, temperature):
    if not 0 < p <= 1 or not temperature > 0:
        raise ValueError("bad p or temperature")


def top_p_probs(logits, p, temperature=1.0):
    _check(p, temperature)
    probs = torch.softmax(logits / temperature, dim=-1)
    s, order = torch.sort(probs, dim=-1, descending=True)
    remove = torch.cumsum(s, dim=-1) > p
    remove[..., 1:] = remove[..., :-1].clone()  # shift right: keep the token that crosses p
    remove[..., 0] = False
    remove = remove.scatter(-1, order, remove)
    w = probs.masked_fill(remove, 0.0)
    return w / w.sum(dim=-1, keepdim=True)


def top_p_sample(logits, p, temperature=1.0, generator=None):
    w = top_p_probs(logits, p, temperature)
    flat = torch.multinomial(w.reshape(-1, w.shape[-1]), 1)
    return flat.reshape(w.shape[:-1])
