"""Reference: temperature + top-k sampling (Fan et al., 2018; temperature as in Hinton et al., 2015).

Both functions start from the same step: find the k largest logits of each row and the softmax of
those k logits divided by the temperature. top_k_probs scatters it back into the vocabulary;
top_k_sample draws among the k kept entries, so it can never pick a token outside the top k.
On ties at the k-th place this keeps exactly k (any of the tied); keeping every logit >= the k-th
largest, as Hugging Face's TopKLogitsWarper does, is the other accepted rule.
"""

import numpy as np


def _check(logits, k, temperature):
    vocab = logits.shape[-1]
    if not 1 <= k <= vocab:
        raise ValueError(f"k must be between 1 and the vocabulary size {vocab}, got {k}")
    if not temperature > 0:
        raise ValueError(f"temperature must be positive, got {temperature}")


def _kept_numpy(logits, k, temperature):
    """(indices of the k largest logits, their renormalised probabilities), both (..., k)."""
    idx = np.argpartition(logits, -k, axis=-1)[..., -k:]  # exactly k, any of the tied ones
    z = np.take_along_axis(logits, idx, axis=-1)
    z = (z - z.max(axis=-1, keepdims=True)) / temperature  # stable: exp(z) <= 1
    w = np.exp(z)
    return idx, w / w.sum(axis=-1, keepdims=True)


def _kept_torch(logits, k, temperature):
    import torch

    values, idx = torch.topk(logits, k, dim=-1)
    return idx, torch.softmax(values / temperature, dim=-1)  # torch.softmax subtracts the max


def top_k_probs(logits, k, temperature=1.0):
    _check(logits, k, temperature)
    if isinstance(logits, np.ndarray):
        idx, w = _kept_numpy(logits, k, temperature)
        probs = np.zeros_like(w, shape=logits.shape)
        np.put_along_axis(probs, idx, w, axis=-1)
        return probs
    idx, w = _kept_torch(logits, k, temperature)
    return w.new_zeros(logits.shape).scatter(-1, idx, w)


def top_k_sample(logits, k, temperature=1.0, generator=None):
    _check(logits, k, temperature)
    if isinstance(logits, np.ndarray):
        rng = np.random.default_rng() if generator is None else generator
        idx, w = _kept_numpy(logits, k, temperature)
        u = rng.random(logits.shape[:-1] + (1,))
        # inverse CDF: the position j with cdf[j-1] <= u < cdf[j]; the clip guards rounding at 1
        j = np.minimum((np.cumsum(w, axis=-1) <= u).sum(axis=-1, keepdims=True), k - 1)
        return np.take_along_axis(idx, j, axis=-1)[..., 0]
    import torch

    idx, w = _kept_torch(logits, k, temperature)
    j = torch.multinomial(w.reshape(-1, k), 1, generator=generator)
    return idx.gather(-1, j.reshape(idx.shape[:-1] + (1,))).squeeze(-1)
