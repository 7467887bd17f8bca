import math

import numpy as np


def _row_probs(row, k, temperature):
    order = sorted(range(len(row)), key=lambda i: row[i], reverse=True)[:k]
    top = max(row[i] for i in order)
    weights = {i: math.exp((row[i] - top) / temperature) for i in order}
    total = sum(weights.values())
    out = [0.0] * len(row)
    for i, w in weights.items():
        out[i] = w / total
    return out


def _validate(logits, k, temperature):
    if k < 1 or k > logits.shape[-1] or temperature <= 0:
        raise ValueError("invalid k or temperature")


def top_k_probs(logits, k, temperature=1.0):
    _validate(logits, k, temperature)
    rows = logits.reshape(-1, logits.shape[-1]).tolist()
    out = [_row_probs(row, k, float(temperature)) for row in rows]
    return np.array(out, dtype=np.float64).reshape(logits.shape)


def top_k_sample(logits, k, temperature=1.0, generator=None):
    _validate(logits, k, temperature)
    rng = generator if generator is not None else np.random.default_rng()
    V = logits.shape[-1]
    rows = logits.reshape(-1, V).tolist()
    ids = [rng.choice(V, p=_row_probs(row, k, float(temperature))) for row in rows]
    return np.array(ids, dtype=np.int64).reshape(logits.shape[:-1])
