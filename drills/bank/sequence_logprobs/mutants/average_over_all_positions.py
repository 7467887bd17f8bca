"""average=True divides by T - 1 (every position) instead of the number of counted tokens."""
import torch


def sequence_logprobs(logits, input_ids, loss_mask, average=False):
    x = logits[:, :-1]
    y = input_ids[:, 1:]
    m = loss_mask[:, 1:]
    logp = torch.log_softmax(x, dim=-1)
    tok = logp.gather(-1, y.unsqueeze(-1)).squeeze(-1) * m
    seq = tok.sum(-1)
    return (seq / m.shape[-1] if average else seq), tok
