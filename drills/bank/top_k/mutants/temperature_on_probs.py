"""Applies the temperature to the probabilities after the softmax (p / T, renormalised), so it has no effect."""
import numpy as np


def _validate(logits, k, temperature):
    if not 1 <= k <= logits.shape[-1] or temperature <= 0:
        raise ValueError("bad k or temperature")


def top_k_probs(logits, k, temperature=1.0):
    _validate(logits, k, temperature)
    idx = np.argsort(logits, axis=-1)[..., -k:]
    z = np.full_like(logits, -np.inf)
    np.put_along_axis(z, idx, np.take_along_axis(logits, idx, -1), -1)
    p = np.exp(z - z.max(-1, keepdims=True))
    p = p / p.sum(-1, keepdims=True) / temperature
    return p / p.sum(-1, keepdims=True)


def top_k_sample(logits, k, temperature=1.0, generator=None):
    rng = generator if generator is not None else np.random.default_rng()
    p = top_k_probs(logits, k, temperature)
    u = rng.random(logits.shape[:-1] + (1,))
    return np.minimum((np.cumsum(p, -1) <= u).sum(-1), logits.shape[-1] - 1)
