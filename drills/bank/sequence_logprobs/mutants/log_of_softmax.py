"""torch: log(softmax(x)): the softmax is stable but a probability that underflows to 0 gives log(0) = -inf."""
import torch


def sequence_logprobs(logits, input_ids, loss_mask, average=False):
    x = logits[:, :-1]
    y = input_ids[:, 1:]
    m = loss_mask[:, 1:]
    logp = torch.log(torch.softmax(x, dim=-1))
    tok = torch.where(m, logp.gather(-1, y.unsqueeze(-1)).squeeze(-1), torch.zeros((), dtype=logp.dtype))
    seq = tok.sum(-1)
    return (seq / m.sum(-1) if average else seq), tok
