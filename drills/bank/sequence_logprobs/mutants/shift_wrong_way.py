"""Shifts the wrong way: logits[:, 1:] score input_ids[:, :-1] (each position scores the previous token)."""
import numpy as np


def sequence_logprobs(logits, input_ids, loss_mask, average=False):
    x = logits[:, 1:]
    y = input_ids[:, :-1]
    m = loss_mask[:, :-1]
    x = x - x.max(-1, keepdims=True)
    logp = x - np.log(np.exp(x).sum(-1, keepdims=True))
    tok = np.where(m, np.take_along_axis(logp, y[..., None], -1)[..., 0], 0.0)
    seq = tok.sum(-1)
    return (seq / m.sum(-1) if average else seq), tok
