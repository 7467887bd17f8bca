import numpy as np


def _validate(logits, k, temperature):
    V = logits.shape[-1]
    if k < 1 or k > V:
        raise ValueError("k out of range")
    if temperature <= 0:
        raise ValueError("temperature must be > 0")


def _masked_scaled(logits, k, temperature):
    idx = np.argpartition(-logits, k - 1, axis=-1)[..., :k]
    keep = np.zeros(logits.shape, dtype=bool)
    np.put_along_axis(keep, idx, True, axis=-1)
    z = logits / temperature
    z = z - np.max(z, axis=-1, keepdims=True)
    return np.where(keep, z, -np.inf)


def top_k_probs(logits, k, temperature=1.0):
    _validate(logits, k, temperature)
    z = _masked_scaled(logits, k, temperature)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def top_k_sample(logits, k, temperature=1.0, generator=None):
    _validate(logits, k, temperature)
    rng = generator if generator is not None else np.random.default_rng()
    z = _masked_scaled(logits, k, temperature)
    g = rng.gumbel(size=z.shape)
    return np.argmax(z + g, axis=-1)
