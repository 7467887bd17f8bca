"""torch: select the kept positions with a boolean index, then a mean over them (empty -> nan)."""
import torch

IGNORE = -100


def build_sft_example(segments, max_length=None):
    if max_length is not None and max_length < 1:
        raise ValueError("max_length must be a positive int")
    allowed = ("system", "user", "assistant", "tool", "template")
    bad = [r for r, _ in segments if r not in allowed]
    if bad:
        raise ValueError(f"unknown role {bad[0]!r}")
    ids = [t for _, toks in segments for t in toks]
    labels = [t if r == "assistant" else IGNORE for r, toks in segments for t in toks]
    ids, labels = torch.tensor(ids, dtype=torch.long), torch.tensor(labels, dtype=torch.long)
    if max_length is not None:
        ids, labels = ids[:max_length], labels[:max_length]
    return ids, labels


def sft_loss(logits, labels):
    x = logits[:, :-1]
    y = labels[:, 1:]
    keep = y != IGNORE
    x, y = x[keep], y[keep]  # (N, V), (N,)
    nll = torch.logsumexp(x, dim=-1) - x.gather(-1, y.unsqueeze(-1)).squeeze(-1)
    return nll.mean()
