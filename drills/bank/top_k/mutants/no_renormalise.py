"""Takes the softmax over the whole vocabulary, then zeroes the entries outside the top k without renormalising."""
import numpy as np


def _validate(logits, k, temperature):
    if not 1 <= k <= logits.shape[-1] or temperature <= 0:
        raise ValueError("bad k or temperature")


def top_k_probs(logits, k, temperature=1.0):
    _validate(logits, k, temperature)
    z = logits / temperature
    p = np.exp(z - z.max(-1, keepdims=True))
    p = p / p.sum(-1, keepdims=True)
    idx = np.argsort(logits, axis=-1)[..., -k:]
    out = np.zeros_like(p)
    np.put_along_axis(out, idx, np.take_along_axis(p, idx, -1), -1)
    return out


def top_k_sample(logits, k, temperature=1.0, generator=None):
    rng = generator if generator is not None else np.random.default_rng()
    p = top_k_probs(logits, k, temperature)
    p = p / p.sum(-1, keepdims=True)
    u = rng.random(logits.shape[:-1] + (1,))
    return np.minimum((np.cumsum(p, -1) <= u).sum(-1), logits.shape[-1] - 1)
