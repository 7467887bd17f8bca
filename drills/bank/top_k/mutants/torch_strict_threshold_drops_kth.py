"""torch: Hugging Face-style threshold with the comparison flipped to strict (keeps only scores > the k-th
largest), so the k-th largest and everything tied with it are dropped: fewer than k tokens, none for k = 1."""
import torch


def _validate(logits, k, temperature):
    if not 1 <= k <= logits.shape[-1] or temperature <= 0:
        raise ValueError("bad k or temperature")


def top_k_probs(logits, k, temperature=1.0):
    _validate(logits, k, temperature)
    scores = logits / temperature
    kth = torch.topk(scores, k, dim=-1)[0][..., -1, None]
    return torch.softmax(scores.masked_fill(scores <= kth, float("-inf")), dim=-1)


def top_k_sample(logits, k, temperature=1.0, generator=None):
    p = top_k_probs(logits, k, temperature)
    flat = torch.multinomial(p.reshape(-1, p.shape[-1]).nan_to_num(1.0), 1, generator=generator)
    return flat.reshape(p.shape[:-1])
