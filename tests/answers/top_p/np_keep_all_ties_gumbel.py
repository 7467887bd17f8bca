"""NumPy: the nucleus size n from the sorted cumulative sums, then keep every token at least as probable
as the n-th (all ties kept); Gumbel-max sampling."""
import numpy as np


def _tempered(logits, p, temperature):
    if p <= 0 or p > 1 or temperature <= 0:
        raise ValueError("need 0 < p <= 1 and temperature > 0")
    z = logits / temperature
    z = z - np.max(z, axis=-1, keepdims=True)
    q = np.exp(z)
    return q / np.sum(q, axis=-1, keepdims=True)


def top_p_probs(logits, p, temperature=1.0):
    q = _tempered(logits, p, temperature)
    desc = -np.sort(-q, axis=-1)
    n = np.sum(np.cumsum(desc, axis=-1) < p, axis=-1, keepdims=True) + 1
    n = np.minimum(n, q.shape[-1])
    nth = np.take_along_axis(desc, n - 1, axis=-1)
    w = np.where(q >= nth, q, 0)
    return w / np.sum(w, axis=-1, keepdims=True)


def top_p_sample(logits, p, temperature=1.0, generator=None):
    rng = np.random.default_rng() if generator is None else generator
    w = top_p_probs(logits, p, temperature)
    scores = np.where(w > 0, np.log(np.where(w > 0, w, 1.0)), -np.inf) + rng.gumbel(size=w.shape)
    return np.argmax(scores, axis=-1)
