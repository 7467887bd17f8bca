"""numpy: the top-k softmax in float32 (logits.astype(np.float32)), for float64 logits too, then cast back: float32 accuracy in a float64 result."""
import numpy as np


def _check(logits, k, temperature):
    vocab = logits.shape[-1]
    if not 1 <= k <= vocab:
        raise ValueError(f"k must be between 1 and the vocabulary size {vocab}, got {k}")
    if not temperature > 0:
        raise ValueError(f"temperature must be positive, got {temperature}")


def _kept(logits, k, temperature):
    idx = np.argpartition(logits, -k, axis=-1)[..., -k:]
    z = np.take_along_axis(logits, idx, axis=-1).astype(np.float32)
    z = (z - z.max(axis=-1, keepdims=True)) / np.float32(temperature)
    w = np.exp(z)
    return idx, w / w.sum(axis=-1, keepdims=True)


def top_k_probs(logits, k, temperature=1.0):
    _check(logits, k, temperature)
    idx, w = _kept(logits, k, temperature)
    probs = np.zeros(logits.shape, dtype=np.float32)
    np.put_along_axis(probs, idx, w, axis=-1)
    return probs.astype(logits.dtype)


def top_k_sample(logits, k, temperature=1.0, generator=None):
    _check(logits, k, temperature)
    rng = np.random.default_rng() if generator is None else generator
    idx, w = _kept(logits, k, temperature)
    u = rng.random(logits.shape[:-1] + (1,))
    j = np.minimum((np.cumsum(w, axis=-1) <= u).sum(axis=-1, keepdims=True), k - 1)
    return np.take_along_axis(idx, j, axis=-1)[..., 0]
