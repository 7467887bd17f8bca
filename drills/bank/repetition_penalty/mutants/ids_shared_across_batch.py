"""Collects the previous ids of the whole batch into one set and penalises them in every row."""
import numpy as np


def apply_repetition_penalty(logits, prev_ids, penalty):
    if not penalty > 0:
        raise ValueError("penalty must be > 0")
    seen = np.zeros(logits.shape, dtype=bool)
    seen[..., np.unique(prev_ids).astype(np.int64)] = True
    penalised = np.where(logits < 0, logits * penalty, logits / penalty)
    return np.where(seen, penalised, logits)
