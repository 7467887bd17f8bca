"""Calls torch.nn.functional.cross_entropy(ignore_index=-100), which this drill forbids."""
import torch
import torch.nn.functional as F


def build_sft_example(segments, max_length=None):
    if max_length is not None and max_length < 1:
        raise ValueError("max_length")
    ids, labels = [], []
    for role, toks in segments:
        if role not in ("system", "user", "assistant", "tool", "template"):
            raise ValueError(role)
        ids += list(toks)
        labels += list(toks) if role == "assistant" else [-100] * len(toks)
    if max_length is not None:
        ids, labels = ids[:max_length], labels[:max_length]
    return ids, labels


def sft_loss(logits, labels):
    v = logits.shape[-1]
    return F.cross_entropy(logits[:, :-1].reshape(-1, v), labels[:, 1:].reshape(-1), ignore_index=-100)
