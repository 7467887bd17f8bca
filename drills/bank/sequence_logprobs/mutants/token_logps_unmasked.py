"""Masks the sum but returns token_logps unmasked (not 0 at excluded positions)."""
import torch


def sequence_logprobs(logits, input_ids, loss_mask, average=False):
    x = logits[:, :-1]
    y = input_ids[:, 1:]
    m = loss_mask[:, 1:]
    tok = torch.log_softmax(x, dim=-1).gather(-1, y.unsqueeze(-1)).squeeze(-1)
    seq = (tok * m).sum(-1)
    return (seq / m.sum(-1) if average else seq), tok
