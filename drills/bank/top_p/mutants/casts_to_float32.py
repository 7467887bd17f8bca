"""Casts the logits to float32 before the softmax: float64 logits get float32 probabilities (and lose precision at 1e4)."""
import numpy as np


def _check(p, temperature):
    if not (0 < p <= 1):
        raise ValueError("p must be in (0, 1]")
    if not temperature > 0:
        raise ValueError("temperature must be > 0")


def top_p_probs(logits, p, temperature=1.0):
    _check(p, temperature)
    z = np.asarray(logits, dtype=np.float32) / np.float32(temperature)
    z = z - z.max(axis=-1, keepdims=True)
    q = np.exp(z)
    q = q / q.sum(axis=-1, keepdims=True)
    order = np.argsort(-q, axis=-1, kind="stable")
    qs = np.take_along_axis(q, order, axis=-1)
    before = np.cumsum(qs, axis=-1) - qs          # mass before each sorted token
    keep_sorted = before < p
    keep_sorted[..., 0] = True
    keep = np.zeros_like(keep_sorted)
    np.put_along_axis(keep, order, keep_sorted, axis=-1)
    out = np.where(keep, q, 0.0)
    return out / out.sum(axis=-1, keepdims=True)


def top_p_sample(logits, p, temperature=1.0, generator=None):
    rng = np.random.default_rng() if generator is None else generator
    probs = top_p_probs(logits, p, temperature)
    flat = probs.reshape(-1, probs.shape[-1])
    u = rng.random(flat.shape[0])
    cdf = np.cumsum(flat, axis=-1)
    ids = np.array([min(int(np.searchsorted(cdf[i], u[i] * cdf[i, -1], side="right")), flat.shape[1] - 1)
                    for i in range(flat.shape[0])], dtype=np.int64)
    # guard: never pick a zero-probability token
    for i in range(len(ids)):
        while flat[i, ids[i]] == 0:
            ids[i] -= 1
    return ids.reshape(probs.shape[:-1])
