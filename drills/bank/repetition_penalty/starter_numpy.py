import numpy as np


def apply_repetition_penalty(logits, prev_ids, penalty):
    """Penalise every token id that occurs in a row's prev_ids, once per distinct id.

    logits: (..., V) float; prev_ids: (..., L) integer ids with the same leading axes (L may be 0).
    A seen token's logit is divided by penalty if positive and multiplied by it if negative.
    Returns a new array of the same shape; raises ValueError if penalty <= 0.
    """
    raise NotImplementedError("write apply_repetition_penalty here")
