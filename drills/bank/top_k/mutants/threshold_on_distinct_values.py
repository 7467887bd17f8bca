"""Takes the threshold as the k-th largest *distinct* logit (np.unique), so when logits tie above the k-th place
the threshold drops too low and more than k tokens (beyond the ties at the k-th place) are kept."""
import numpy as np


def _validate(logits, k, temperature):
    if not 1 <= k <= logits.shape[-1] or temperature <= 0:
        raise ValueError("bad k or temperature")


def top_k_probs(logits, k, temperature=1.0):
    _validate(logits, k, temperature)
    rows = logits.reshape(-1, logits.shape[-1])
    kth = np.array([np.unique(row)[-min(k, np.unique(row).size)] for row in rows])
    kth = kth.reshape(logits.shape[:-1] + (1,))
    z = np.where(logits >= kth, logits / temperature, -np.inf)
    p = np.exp(z - z.max(-1, keepdims=True))
    return p / p.sum(-1, keepdims=True)


def top_k_sample(logits, k, temperature=1.0, generator=None):
    rng = generator if generator is not None else np.random.default_rng()
    p = top_k_probs(logits, k, temperature)
    u = rng.random(logits.shape[:-1] + (1,))
    return np.minimum((np.cumsum(p, -1) <= u).sum(-1), logits.shape[-1] - 1)
