"""Reference: the CTRL repetition penalty (Keskar et al., 2019, arXiv:1909.05858, Section 4.1) in the
sign-aware form of Hugging Face's RepetitionPenaltyLogitsProcessor, NumPy and PyTorch.

Every token id that occurs in a row's previous ids has its logit divided by the penalty if the logit
is positive and multiplied by it if negative, once, however many times the id occurs. A mask built
by scattering True at the previous ids makes "once" automatic.
"""

import numpy as np


def apply_repetition_penalty(logits, prev_ids, penalty):
    if not penalty > 0:
        raise ValueError(f"penalty must be strictly positive, got {penalty}")
    if isinstance(logits, np.ndarray):
        seen = np.zeros(logits.shape, dtype=bool)
        np.put_along_axis(seen, prev_ids.astype(np.int64), True, axis=-1)
        penalised = np.where(logits < 0, logits * penalty, logits / penalty)
        return np.where(seen, penalised, logits)  # a new array: the input is untouched
    import torch

    ids = prev_ids.long()
    score = logits.gather(-1, ids)  # duplicates gather the same original value...
    score = torch.where(score < 0, score * penalty, score / penalty)
    return logits.scatter(-1, ids, score)  # ...so scattering them back penalises each token once
