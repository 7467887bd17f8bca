"""Plain Python loops over positions and classes, math.exp / math.log, float64 throughout."""
import math

import numpy as np


def cross_entropy_grad(logits, targets, ignore_index=-100):
    c = logits.shape[-1]
    flat = np.asarray(logits, dtype=np.float64).reshape(-1, c)
    ys = [int(t) for t in np.asarray(targets).reshape(-1)]
    used = [i for i, t in enumerate(ys) if t != ignore_index]
    for i in used:
        if not 0 <= ys[i] < c:
            raise ValueError(f"target {ys[i]} at position {i} is not a class index in [0, {c})")
    grad = np.zeros(flat.shape)
    total = 0.0
    for i in used:
        row = flat[i]
        top = max(row)
        lse = top + math.log(sum(math.exp(v - top) for v in row))
        total += lse - row[ys[i]]
        for k in range(c):
            grad[i, k] = math.exp(row[k] - lse) / len(used)
        grad[i, ys[i]] -= 1.0 / len(used)
    return total / len(used), grad.reshape(logits.shape)
