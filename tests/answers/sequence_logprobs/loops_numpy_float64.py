"""Plain loops over rows and positions, float64 throughout, log-sum-exp by hand."""
import math

import numpy as np


def sequence_logprobs(logits, input_ids, loss_mask, average=False):
    b_size, t_size, _ = logits.shape
    x = np.asarray(logits, dtype=np.float64)
    token = np.zeros((b_size, t_size - 1))
    seq = np.zeros(b_size)
    for b in range(b_size):
        n = 0
        for t in range(t_size - 1):
            if loss_mask[b, t + 1]:
                row = x[b, t]
                top = row.max()
                lse = top + math.log(np.exp(row - top).sum())
                token[b, t] = row[input_ids[b, t + 1]] - lse
                n += 1
        seq[b] = token[b].sum()
        if average:
            seq[b] = seq[b] / n if n else float("nan")
    return seq, token
