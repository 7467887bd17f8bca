"""torch: adds the change with index_put_(accumulate=True), so a token that occurs several times gets the
correction once per occurrence."""
import torch


def apply_repetition_penalty(logits, prev_ids, penalty):
    if not penalty > 0:
        raise ValueError("penalty must be > 0")
    ids = prev_ids.long()
    score = logits.gather(-1, ids)
    delta = torch.where(score < 0, score * penalty, score / penalty) - score
    flat = logits.reshape(-1, logits.shape[-1]).clone()
    rows = torch.arange(flat.shape[0]).unsqueeze(-1).expand(-1, ids.shape[-1]).reshape(-1)
    flat.index_put_((rows, ids.reshape(-1)), delta.reshape(-1), accumulate=True)
    return flat.reshape(logits.shape)
