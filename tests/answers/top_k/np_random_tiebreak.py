import numpy as np


def _check(logits, k, t):
    if not 1 <= k <= logits.shape[-1] or not t > 0:
        raise ValueError("bad")


def _probs(logits, k, t, rng):
    noise = rng.random(logits.shape)
    order = np.lexsort((noise, -logits), axis=-1)  # by logit desc, ties broken at random
    idx = order[..., :k]
    z = np.full(logits.shape, -np.inf)
    np.put_along_axis(z, idx, np.take_along_axis(logits, idx, -1) / t, -1)
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def top_k_probs(logits, k, temperature=1.0):
    _check(logits, k, temperature)
    return _probs(logits, k, temperature, np.random.default_rng(0)).astype(logits.dtype)


def top_k_sample(logits, k, temperature=1.0, generator=None):
    _check(logits, k, temperature)
    rng = generator if generator is not None else np.random.default_rng()
    p = _probs(logits, k, temperature, rng)
    u = rng.random(p.shape[:-1] + (1,))
    return np.minimum((np.cumsum(p, -1) <= u).sum(-1), p.shape[-1] - 1)
