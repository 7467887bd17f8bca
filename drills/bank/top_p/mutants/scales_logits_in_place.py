"""Divides the caller's logits by the temperature in place (logits /= temperature)."""
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
    logits /= temperature
    probs = _softmax(logits)
    order = np.argsort(-probs, axis=-1, kind="stable")
    s = np.take_along_axis(probs, order, axis=-1)
    keep_sorted = np.cumsum(s, axis=-1) - s < p
    keep = np.zeros_like(keep_sorted)
    np.put_along_axis(keep, order, keep_sorted, axis=-1)
    w = np.where(keep, probs, 0.0)
    return w / w.sum(axis=-1, keepdims=True)


def top_p_sample(logits, p, temperature=1.0, generator=None):
    _check(p, temperature)
    rng = np.random.default_rng() if generator is None else generator
    w = top_p_probs(logits, p, temperature)
    with np.errstate(divide="ignore"):
        return np.argmax(np.log(w) + rng.gumbel(size=w.shape), axis=-1)
