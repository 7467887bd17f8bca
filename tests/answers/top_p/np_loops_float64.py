"""Plain Python loops over rows in float64, the nucleus grown token by token; inverse-CDF sampling."""
import math

import numpy as np


def _validate(p, temperature):
    if not (0.0 < p <= 1.0):
        raise ValueError("p must be in (0, 1]")
    if temperature <= 0:
        raise ValueError("temperature must be > 0")


def _row(row, p, t):
    z = [float(x) / t for x in row]
    m = max(z)
    e = [math.exp(v - m) for v in z]
    total = sum(e)
    q = [v / total for v in e]
    ranked = sorted(range(len(q)), key=lambda i: -q[i])
    kept, mass = [], 0.0
    for i in ranked:
        kept.append(i)
        mass += q[i]
        if mass >= p:
            break
    out = [0.0] * len(q)
    norm = sum(q[i] for i in kept)
    for i in kept:
        out[i] = q[i] / norm
    return out


def top_p_probs(logits, p, temperature=1.0):
    _validate(p, temperature)
    flat = np.asarray(logits, dtype=np.float64).reshape(-1, logits.shape[-1])
    res = np.array([_row(r, p, temperature) for r in flat]).reshape(logits.shape)
    return res.astype(logits.dtype)


def top_p_sample(logits, p, temperature=1.0, generator=None):
    _validate(p, temperature)
    rng = generator if generator is not None else np.random.default_rng()
    flat = np.asarray(logits, dtype=np.float64).reshape(-1, logits.shape[-1])
    ids = np.empty(flat.shape[0], dtype=np.int64)
    us = rng.random(flat.shape[0])
    for r, row in enumerate(flat):
        q = _row(row, p, temperature)
        acc, choice = 0.0, None
        for i, v in enumerate(q):
            if v == 0.0:
                continue
            choice = i
            acc += v
            if us[r] < acc:
                break
        ids[r] = choice
    return ids.reshape(logits.shape[:-1])
