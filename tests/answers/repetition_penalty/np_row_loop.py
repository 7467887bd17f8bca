"""NumPy, a Python loop over rows and the distinct ids of each row (set), on a float64 copy."""
import numpy as np


def apply_repetition_penalty(logits, prev_ids, penalty):
    if penalty <= 0:
        raise ValueError("the repetition penalty must be > 0")
    out = np.array(logits, dtype=np.float64)
    rows = out.reshape(-1, out.shape[-1])
    ids = np.asarray(prev_ids).reshape(rows.shape[0], -1)
    for r in range(rows.shape[0]):
        for t in set(ids[r].tolist()):
            if rows[r, t] > 0:
                rows[r, t] /= penalty
            elif rows[r, t] < 0:
                rows[r, t] *= penalty
    return out
