"""Loops over prev_ids and penalises once per occurrence, so a token seen 3 times is divided by penalty ** 3."""
import numpy as np


def apply_repetition_penalty(logits, prev_ids, penalty):
    if not penalty > 0:
        raise ValueError("penalty must be > 0")
    out = logits.copy()
    flat = out.reshape(-1, out.shape[-1])
    ids = prev_ids.reshape(flat.shape[0], -1)
    for r in range(flat.shape[0]):
        for t in ids[r]:
            x = flat[r, t]
            flat[r, t] = x * penalty if x < 0 else x / penalty
    return out
