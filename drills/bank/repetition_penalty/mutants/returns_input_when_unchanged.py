"""Shortcut: with penalty 1.0 or no previous tokens it returns the logits object itself, not a new array."""

import numpy as np


def apply_repetition_penalty(logits, prev_ids, penalty):
    if not penalty > 0:
        raise ValueError(f"penalty must be strictly positive, got {penalty}")
    if penalty == 1.0 or prev_ids.shape[-1] == 0:
        return logits  # "nothing to do"
    seen = np.zeros(logits.shape, dtype=bool)
    np.put_along_axis(seen, prev_ids.astype(np.int64), True, axis=-1)
    penalised = np.where(logits < 0, logits * penalty, logits / penalty)
    return np.where(seen, penalised, logits)
