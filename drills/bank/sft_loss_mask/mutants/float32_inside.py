"""Computes the loss in float32 (logits cast with astype(np.float32)) and casts the result back: float64 logits lose precision (about 1e-7 relative)."""
import numpy as np

_MASKED = {"system", "user", "tool", "template"}


def build_sft_example(segments, max_length=None):
    if max_length is not None and max_length < 1:
        raise ValueError("max_length")
    ids, labels = [], []
    for role, toks in segments:
        if role == "assistant":
            ids += list(toks)
            labels += list(toks)
        elif role in _MASKED:
            ids += list(toks)
            labels += [-100] * len(toks)
        else:
            raise ValueError(f"role {role!r}")
    if max_length is not None:
        ids, labels = ids[:max_length], labels[:max_length]
    return ids, labels


def sft_loss(logits, labels):
    dt = np.asarray(logits).dtype
    logits = np.asarray(logits, dtype=np.float32)
    labels = np.asarray(labels)
    x = logits[:, :-1]
    y = labels[:, 1:]
    m = x.max(axis=-1, keepdims=True)
    lse = m[..., 0] + np.log(np.exp(x - m).sum(-1))
    valid = y != -100
    safe = np.where(valid, y, 0)
    picked = np.take_along_axis(x, safe[..., None], -1)[..., 0]
    nll = (lse - picked)[valid]
    with np.errstate(invalid="ignore", divide="ignore"):
        return (nll.sum() / valid.sum()).astype(dt)
