"""torch: x[label] - logsumexp(x) with advanced indexing instead of gather, float64 inside."""
import torch


def sequence_logprobs(logits, input_ids, loss_mask, average=False):
    x = logits[:, :-1].double()
    y = input_ids[:, 1:]
    keep = loss_mask[:, 1:]
    b_idx = torch.arange(x.shape[0]).unsqueeze(1).expand_as(y)
    t_idx = torch.arange(x.shape[1]).unsqueeze(0).expand_as(y)
    picked = x[b_idx, t_idx, y] - torch.logsumexp(x, dim=-1)
    tok = picked.masked_fill(~keep, 0.0)
    seq = tok.sum(-1)
    if average:
        seq = seq / keep.sum(-1)
    return seq.to(logits.dtype), tok.to(logits.dtype)
