"""torch: the negative per-token cross-entropy (reduction='none') is the gathered log-prob."""
import torch
import torch.nn.functional as F


def sequence_logprobs(logits, input_ids, loss_mask, average=False):
    b, t, v = logits.shape
    x = logits[:, :-1].reshape(-1, v)
    y = input_ids[:, 1:].reshape(-1)
    m = loss_mask[:, 1:].to(logits.dtype)
    tok = -F.cross_entropy(x, y, reduction="none").view(b, t - 1) * m
    seq = tok.sum(dim=1)
    if average:
        seq = seq / m.sum(dim=1)
    return seq, tok
