"""Never checks the penalty: 0 or negative penalties return garbage (division by zero, flipped signs) instead of raising ValueError."""
import numpy as np


def apply_repetition_penalty(logits, prev_ids, penalty):
    seen = np.zeros(logits.shape, dtype=bool)
    np.put_along_axis(seen, prev_ids.astype(np.int64), True, axis=-1)
    with np.errstate(all="ignore"):
        penalised = np.where(logits < 0, logits * penalty, logits / penalty)
    return np.where(seen, penalised, logits)
