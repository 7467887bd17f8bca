"""log(exp(x) / sum(exp(x))) without subtracting the max: exp overflows for large logits."""
import numpy as np


def sequence_logprobs(logits, input_ids, loss_mask, average=False):
    x = logits[:, :-1]
    y = input_ids[:, 1:]
    m = loss_mask[:, 1:]
    with np.errstate(all="ignore"):
        e = np.exp(x)
        logp = np.log(e / e.sum(-1, keepdims=True))
        tok = np.where(m, np.take_along_axis(logp, y[..., None], -1)[..., 0], 0.0)
        seq = tok.sum(-1)
        return (seq / m.sum(-1) if average else seq), tok
