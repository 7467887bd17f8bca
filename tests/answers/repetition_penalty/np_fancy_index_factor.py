"""NumPy: a boolean mask by fancy indexing on flattened rows, then one multiplicative factor per entry."""
import numpy as np


def apply_repetition_penalty(logits, prev_ids, penalty):
    if not penalty > 0:
        raise ValueError("penalty must be strictly positive")
    V = logits.shape[-1]
    flat = logits.reshape(-1, V)
    ids = prev_ids.reshape(flat.shape[0], -1)
    mask = np.zeros(flat.shape, dtype=bool)
    mask[np.repeat(np.arange(flat.shape[0]), ids.shape[1]), ids.ravel()] = True
    factor = np.where(flat > 0, 1.0 / penalty, penalty)
    factor = np.where(mask, factor, 1.0).astype(logits.dtype)
    return (flat * factor).reshape(logits.shape)
