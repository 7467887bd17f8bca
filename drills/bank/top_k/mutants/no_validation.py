"""Never checks k or the temperature: k = 0 and temperature <= 0 return garbage instead of raising ValueError."""
import numpy as np


def top_k_probs(logits, k, temperature=1.0):
    idx = np.argsort(logits, axis=-1)[..., logits.shape[-1] - k:]
    z = np.full_like(logits, -np.inf)
    with np.errstate(all="ignore"):
        np.put_along_axis(z, idx, np.take_along_axis(logits, idx, -1) / temperature, -1)
        p = np.exp(z - z.max(-1, keepdims=True))
        return p / p.sum(-1, keepdims=True)


def top_k_sample(logits, k, temperature=1.0, generator=None):
    rng = generator if generator is not None else np.random.default_rng()
    p = top_k_probs(logits, k, temperature)
    u = rng.random(logits.shape[:-1] + (1,))
    return np.minimum((np.cumsum(p, -1) <= u).sum(-1), logits.shape[-1] - 1)
