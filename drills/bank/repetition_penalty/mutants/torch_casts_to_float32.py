"""torch: casts the logits to float32 (`.float()`) first: float64 logits come back as float32, every entry rounded."""

import torch


def apply_repetition_penalty(logits, prev_ids, penalty):
    if not penalty > 0:
        raise ValueError(f"penalty must be strictly positive, got {penalty}")
    logits = logits.float()
    ids = prev_ids.long()
    score = logits.gather(-1, ids)
    score = torch.where(score < 0, score * penalty, score / penalty)
    return logits.scatter(-1, ids, score)
