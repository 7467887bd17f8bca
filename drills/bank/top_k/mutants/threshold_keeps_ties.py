"""Keeps every logit >= the k-th largest, so ties at the k-th place keep more than k entries."""
import numpy as np


def _validate(logits, k, temperature):
    if not 1 <= k <= logits.shape[-1] or temperature <= 0:
        raise ValueError("bad k or temperature")


def top_k_probs(logits, k, temperature=1.0):
    _validate(logits, k, temperature)
    kth = np.sort(logits, axis=-1)[..., -k:-k + 1 or None]
    z = np.where(logits >= kth, logits / temperature, -np.inf)
    p = np.exp(z - z.max(-1, keepdims=True))
    return p / p.sum(-1, keepdims=True)


def top_k_sample(logits, k, temperature=1.0, generator=None):
    rng = generator if generator is not None else np.random.default_rng()
    p = top_k_probs(logits, k, temperature)
    u = rng.random(logits.shape[:-1] + (1,))
    return np.minimum((np.cumsum(p, -1) <= u).sum(-1), logits.shape[-1] - 1)
