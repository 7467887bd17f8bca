"""The CTRL paper read literally: divides every seen logit by the penalty, so negative logits move towards 0 and become more likely."""
import numpy as np


def apply_repetition_penalty(logits, prev_ids, penalty):
    if not penalty > 0:
        raise ValueError("penalty must be > 0")
    seen = np.zeros(logits.shape, dtype=bool)
    np.put_along_axis(seen, prev_ids.astype(np.int64), True, axis=-1)
    penalised = logits / penalty
    return np.where(seen, penalised, logits)
