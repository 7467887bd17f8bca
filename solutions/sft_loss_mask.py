"""Reference: SFT labels that train only on assistant tokens, and the shifted, masked cross-entropy (NumPy and PyTorch)."""

import numpy as np

IGNORE_INDEX = -100
ROLES = {"system", "user", "assistant", "tool", "template"}


def build_sft_example(segments, max_length=None):
    if max_length is not None and max_length < 1:
        raise ValueError(f"max_length must be a positive int or None, got {max_length!r}")
    input_ids, labels = [], []
    for role, token_ids in segments:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        ids = [int(i) for i in token_ids]
        input_ids += ids
        # the assistant's reply, end-of-turn token included, is trained; everything else is context
        labels += ids if role == "assistant" else [IGNORE_INDEX] * len(ids)
    if max_length is not None:
        input_ids, labels = input_ids[:max_length], labels[:max_length]  # keep the beginning
    return input_ids, labels


def sft_loss(logits, labels):
    if isinstance(logits, np.ndarray):
        return _numpy_loss(logits, labels)
    return _torch_loss(logits, labels)


def _numpy_loss(logits, labels):
    x = logits[:, :-1]  # position t predicts token t + 1
    y = labels[:, 1:]
    keep = y != IGNORE_INDEX
    safe = np.where(keep, y, 0)  # any valid index; these positions are dropped below
    x = x - x.max(axis=-1, keepdims=True)
    logp = x - np.log(np.exp(x).sum(axis=-1, keepdims=True))
    nll = -np.take_along_axis(logp, safe[..., None], axis=-1)[..., 0]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(keep, nll, 0.0).sum() / keep.sum()  # nan when every label is ignored


def _torch_loss(logits, labels):
    import torch

    x = logits[:, :-1]
    y = labels[:, 1:]
    keep = y != IGNORE_INDEX
    logp = torch.log_softmax(x, dim=-1)
    nll = -logp.gather(-1, y.clamp(min=0).unsqueeze(-1)).squeeze(-1)
    return torch.where(keep, nll, torch.zeros_like(nll)).sum() / keep.sum()  # nan when all ignored
