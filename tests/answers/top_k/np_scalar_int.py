import numpy as np


def top_k_probs(logits, k, temperature=1.0):
    if not 1 <= k <= logits.shape[-1] or temperature <= 0:
        raise ValueError("bad")
    x = logits.astype(np.float64) / temperature
    order = np.argsort(x, axis=-1, kind="stable")
    drop = order[..., : x.shape[-1] - k]
    np.put_along_axis(x, drop, -np.inf, axis=-1)
    x -= x.max(-1, keepdims=True)
    e = np.exp(x)
    return e / e.sum(-1, keepdims=True)


def top_k_sample(logits, k, temperature=1.0, generator=None):
    rng = np.random.default_rng() if generator is None else generator
    p = top_k_probs(logits, k, temperature)
    if p.ndim == 1:
        return int(rng.choice(p.shape[-1], p=p))
    flat = p.reshape(-1, p.shape[-1])
    u = rng.random(flat.shape[0])
    ids = np.array([np.searchsorted(np.cumsum(row), ui, side="right") for row, ui in zip(flat, u)])
    ids = np.minimum(ids, p.shape[-1] - 1)
    return ids.reshape(p.shape[:-1])
