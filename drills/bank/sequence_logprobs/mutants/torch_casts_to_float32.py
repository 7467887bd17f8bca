"""torch: log_softmax on `logits.float()`: float64 logits give float32 log-probs."""

import torch


def sequence_logprobs(logits, input_ids, loss_mask, average=False):
    logits = logits[:, :-1, :].float()
    labels = input_ids[:, 1:]
    mask = loss_mask[:, 1:]
    logp = torch.log_softmax(logits, dim=-1)
    token = torch.gather(logp, -1, labels.unsqueeze(-1)).squeeze(-1)
    token = torch.where(mask, token, torch.zeros_like(token))
    total = token.sum(-1)
    if average:
        total = total / mask.sum(-1)
    return total, token
