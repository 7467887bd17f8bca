"""top_k_sample returns the most likely token (greedy decoding) instead of drawing one."""
import numpy as np


def _validate(logits, k, temperature):
    if not 1 <= k <= logits.shape[-1] or temperature <= 0:
        raise ValueError("bad k or temperature")


def top_k_probs(logits, k, temperature=1.0):
    _validate(logits, k, temperature)
    idx = np.argsort(logits, axis=-1)[..., -k:]
    z = np.full_like(logits, -np.inf)
    np.put_along_axis(z, idx, np.take_along_axis(logits, idx, -1) / temperature, -1)
    p = np.exp(z - z.max(-1, keepdims=True))
    return p / p.sum(-1, keepdims=True)


def top_k_sample(logits, k, temperature=1.0, generator=None):
    return np.argmax(top_k_probs(logits, k, temperature), axis=-1)
