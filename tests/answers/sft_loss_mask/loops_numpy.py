"""Index-based loops: build by position, loss one target at a time in float64."""
import math

import numpy as np

TRAINED = {"assistant": True, "system": False, "user": False, "tool": False, "template": False}


def build_sft_example(segments, max_length=None):
    if max_length is not None and max_length <= 0:
        raise ValueError("max_length must be >= 1")
    pairs = []
    for role, token_ids in segments:
        if role not in TRAINED:
            raise ValueError(f"unknown role: {role}")
        for tok in token_ids:
            pairs.append((tok, tok if TRAINED[role] else -100))
    if max_length is not None:
        pairs = pairs[:max_length]
    return tuple(p[0] for p in pairs), tuple(p[1] for p in pairs)


def sft_loss(logits, labels):
    x = np.asarray(logits, dtype=np.float64)
    total, n = 0.0, 0
    B, T = labels.shape
    for b in range(B):
        for t in range(T - 1):
            y = labels[b, t + 1]
            if y == -100:
                continue
            row = x[b, t]
            m = row.max()
            total += m + math.log(np.exp(row - m).sum()) - row[y]
            n += 1
    return float("nan") if n == 0 else total / n
