"""Masks the tokens outside the nucleus by setting their logits to 0 instead of -inf before the softmax."""
import numpy as np


def _check(p, temperature):
    if not 0 < p <= 1 or not temperature > 0:
        raise ValueError("bad p or temperature")


def _softmax(z):
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def top_p_probs(logits, p, temperature=1.0):
    _check(p, temperature)
    probs = _softmax(logits / temperature)
    order = np.argsort(-probs, axis=-1, kind="stable")
    s = np.take_along_axis(probs, order, axis=-1)
    keep_sorted = np.cumsum(s, axis=-1) - s < p
    keep = np.zeros_like(keep_sorted)
    np.put_along_axis(keep, order, keep_sorted, axis=-1)
    return _softmax(np.where(keep, logits / temperature, 0.0))


def top_p_sample(logits, p, temperature=1.0, generator=None):
    _check(p, temperature)
    rng = np.random.default_rng() if generator is None else generator
    w = top_p_probs(logits, p, temperature)
    with np.errstate(divide="ignore"):
        return np.argmax(np.log(w) + rng.gumbel(size=w.shape), axis=-1)
