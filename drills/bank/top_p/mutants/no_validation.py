"""Never checks p or the temperature: p = 0, p > 1 and temperature <= 0 return garbage instead of raising ValueError."""
import numpy as np


def _check(p, temperature):
    pass


def _softmax(z):
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def top_p_probs(logits, p, temperature=1.0):
    _check(p, temperature)
    with np.errstate(all="ignore"):
        probs = _softmax(logits / temperature)
    order = np.argsort(-probs, axis=-1, kind="stable")
    s = np.take_along_axis(probs, order, axis=-1)
    keep_sorted = np.cumsum(s, axis=-1) - s < p
    keep = np.zeros_like(keep_sorted)
    np.put_along_axis(keep, order, keep_sorted, axis=-1)
    w = np.where(keep, probs, 0.0)
    with np.errstate(all="ignore"):
        return w / w.sum(axis=-1, keepdims=True)


def top_p_sample(logits, p, temperature=1.0, generator=None):
    _check(p, temperature)
    rng = np.random.default_rng() if generator is None else generator
    w = top_p_probs(logits, p, temperature)
    with np.errstate(divide="ignore"):
        return np.argmax(np.log(w) + rng.gumbel(size=w.shape), axis=-1)
