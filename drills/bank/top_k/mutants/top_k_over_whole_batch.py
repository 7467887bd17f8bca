"""Takes the top k over the flattened batch instead of per row (the threshold is the k-th largest logit of the whole array)."""
import numpy as np


def _validate(logits, k, temperature):
    if not 1 <= k <= logits.shape[-1] or temperature <= 0:
        raise ValueError("bad k or temperature")


def top_k_probs(logits, k, temperature=1.0):
    _validate(logits, k, temperature)
    kth = np.sort(logits, axis=None)[-k]
    z = np.where(logits >= kth, logits / temperature, -np.inf)
    m = z.max(-1, keepdims=True)
    p = np.exp(z - np.where(np.isfinite(m), m, 0.0))
    s = p.sum(-1, keepdims=True)
    return p / np.where(s > 0, s, 1.0)


def top_k_sample(logits, k, temperature=1.0, generator=None):
    rng = generator if generator is not None else np.random.default_rng()
    p = top_k_probs(logits, k, temperature)
    u = rng.random(logits.shape[:-1] + (1,))
    return np.minimum((np.cumsum(p, -1) <= u).sum(-1), logits.shape[-1] - 1)
