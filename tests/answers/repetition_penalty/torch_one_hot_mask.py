"""torch: the mask from one_hot(prev_ids).amax over the ids axis, computed in float64 and cast back."""
import torch
import torch.nn.functional as F


def apply_repetition_penalty(logits, prev_ids, penalty):
    if not penalty > 0:
        raise ValueError(f"penalty={penalty} must be > 0")
    V = logits.shape[-1]
    if prev_ids.shape[-1] == 0:
        return logits.clone()
    seen = F.one_hot(prev_ids.long(), V).amax(dim=-2).bool()
    x = logits.double()
    penalised = torch.where(x < 0, x * penalty, x / penalty)
    return torch.where(seen, penalised, x).to(logits.dtype)
