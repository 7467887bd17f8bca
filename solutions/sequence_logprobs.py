"""Reference: per-token and per-sequence log-probs of the next token (the shift), masked; NumPy and PyTorch."""

import numpy as np


def sequence_logprobs(logits, input_ids, loss_mask, average=False):
    if isinstance(logits, np.ndarray):
        return _numpy(logits, input_ids, loss_mask, average)
    return _torch(logits, input_ids, loss_mask, average)


def _numpy(logits, input_ids, loss_mask, average):
    logits = logits[:, :-1, :]  # position t predicts token t + 1
    labels = input_ids[:, 1:]
    mask = loss_mask[:, 1:]  # the mask follows the labels, not the logits
    # stable log-softmax: x - logsumexp(x), with the max taken out first
    shifted = logits - logits.max(axis=-1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    token = np.take_along_axis(logp, labels[..., None], axis=-1)[..., 0]
    token = np.where(mask, token, 0.0).astype(logits.dtype)
    total = token.sum(axis=-1)
    if average:
        with np.errstate(invalid="ignore", divide="ignore"):
            total = (total / mask.sum(axis=-1)).astype(logits.dtype)  # 0 / 0 = nan for an empty row
    return total, token


def _torch(logits, input_ids, loss_mask, average):
    import torch

    logits = logits[:, :-1, :]
    labels = input_ids[:, 1:]
    mask = loss_mask[:, 1:]
    logp = torch.log_softmax(logits, dim=-1)  # stable: subtracts the max internally
    token = torch.gather(logp, -1, labels.unsqueeze(-1)).squeeze(-1)
    token = torch.where(mask, token, torch.zeros_like(token))
    total = token.sum(-1)
    if average:
        total = total / mask.sum(-1)  # 0 / 0 = nan for an empty row
    return total, token
