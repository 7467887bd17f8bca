"""Reference: mean softmax cross-entropy and its hand-derived gradient, NumPy.

For one position with logits z and target y: loss = logsumexp(z) - z[y], so
d loss / d z_c = softmax(z)_c - [c == y]. The mean over M positions divides every row by M.
"""

import numpy as np


def cross_entropy_grad(logits, targets, ignore_index=-100):
    num_classes = logits.shape[-1]
    z = logits.reshape(-1, num_classes)
    y = np.asarray(targets).reshape(-1)
    keep = y != ignore_index
    if ((y[keep] < 0) | (y[keep] >= num_classes)).any():
        raise ValueError(f"targets must lie in [0, {num_classes}) or equal ignore_index={ignore_index}")
    rows = np.flatnonzero(keep)
    m = len(rows)

    shifted = z - z.max(axis=-1, keepdims=True)  # stable: exponents <= 0
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    loss = -log_probs[rows, y[rows]].sum() / m

    grad = np.exp(log_probs)  # softmax
    grad[rows, y[rows]] -= 1.0  # softmax - onehot
    grad[~keep] = 0.0  # ignored positions do not contribute
    grad /= m
    return loss, grad.reshape(logits.shape)
