"""Penalises the tokens that were NOT generated before instead of the ones that were."""
import numpy as np


def apply_repetition_penalty(logits, prev_ids, penalty):
    if not penalty > 0:
        raise ValueError("penalty must be > 0")
    seen = np.zeros(logits.shape, dtype=bool)
    np.put_along_axis(seen, prev_ids.astype(np.int64), True, axis=-1)
    penalised = np.where(logits < 0, logits * penalty, logits / penalty)
    return np.where(~seen, penalised, logits)
