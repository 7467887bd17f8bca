"""Confuses it with a presence penalty: subtracts the penalty from seen logits instead of dividing / multiplying."""
import numpy as np


def apply_repetition_penalty(logits, prev_ids, penalty):
    if not penalty > 0:
        raise ValueError("penalty must be > 0")
    seen = np.zeros(logits.shape, dtype=bool)
    np.put_along_axis(seen, prev_ids.astype(np.int64), True, axis=-1)
    penalised = logits - penalty
    return np.where(seen, penalised, logits)
