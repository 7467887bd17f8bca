import torch


def build_sft_example(segments, max_length=None):
    if max_length is not None and max_length < 1:
        raise ValueError("max_length must be >= 1")
    pairs = []
    for role, toks in segments:
        if role not in ("system", "user", "tool", "template", "assistant"):
            raise ValueError(role)
        pairs += [(t, t if role == "assistant" else -100) for t in toks]
    pairs = pairs[:max_length] if max_length is not None else pairs
    return [a for a, _ in pairs], [b for _, b in pairs]


def sft_loss(logits, labels):
    logp = torch.log_softmax(logits[:, :-1], dim=-1)
    tgt = labels[:, 1:]
    mask = tgt != -100
    nll = -logp.gather(-1, tgt.clamp(min=0).unsqueeze(-1)).squeeze(-1)
    return (nll * mask).sum() / mask.sum()
