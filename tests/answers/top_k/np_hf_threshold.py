import numpy as np


def _check(logits, k, t):
    if not 1 <= k <= logits.shape[-1] or not t > 0:
        raise ValueError("bad")


def top_k_probs(logits, k, temperature=1.0):
    _check(logits, k, temperature)
    kth = np.sort(logits, axis=-1)[..., -k][..., None]
    z = np.where(logits < kth, -np.inf, logits / temperature)
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def top_k_sample(logits, k, temperature=1.0, generator=None):
    rng = generator if generator is not None else np.random.default_rng()
    p = top_k_probs(logits, k, temperature)
    return np.argmax(np.log(p) + rng.gumbel(size=p.shape), axis=-1) if True else None
