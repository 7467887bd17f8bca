"""Truncates from the left (keeps the last max_length tokens) instead of keeping the beginning."""
import torch

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
        ids, labels = ids[-max_length:], labels[-max_length:]
    return ids, labels


def sft_loss(logits, labels):
    y = labels[:, 1:]
    keep = y != -100
    nll = -torch.log_softmax(logits[:, :-1], -1).gather(-1, y.clamp(min=0).unsqueeze(-1)).squeeze(-1)
    return (nll * keep).sum() / keep.sum()
