"""Reference: temperature + nucleus (top-p) sampling (Holtzman et al., 2020, arXiv:1904.09751, Eq. 2-3).

The nucleus of a row is the smallest set of most probable tokens, under softmax(logits / T), whose
probabilities add up to at least p: sort descending and keep every token whose *preceding* mass
(the sum of the more probable tokens) is < p. The first token's preceding mass is 0 < p, so the
argmax is always kept, and the token that crosses p is kept too. This is Hugging Face's
TopPLogitsWarper rule (it removes tokens whose ascending cumulative sum is <= 1 - p). Among tokens
tied in probability this keeps the ones sorted first (any of the tied); keeping every token whose
probability is >= the last kept one's is the other accepted rule.
"""

import numpy as np


def _check(p, temperature):
    if not 0 < p <= 1:
        raise ValueError(f"p must be in (0, 1], got {p}")
    if not temperature > 0:
        raise ValueError(f"temperature must be positive, got {temperature}")


def _nucleus_numpy(logits, p, temperature):
    """(order: token ids sorted by probability, descending; w: the renormalised nucleus probabilities
    in that order, 0 after the nucleus; n: the nucleus size), all per row."""
    z = logits / temperature
    z = z - z.max(axis=-1, keepdims=True)  # stable: exp(z) <= 1
    probs = np.exp(z)
    probs /= probs.sum(axis=-1, keepdims=True)
    order = np.argsort(-probs, axis=-1, kind="stable")
    sorted_probs = np.take_along_axis(probs, order, axis=-1)
    before = np.cumsum(sorted_probs, axis=-1) - sorted_probs  # mass of the more probable tokens
    w = np.where(before < p, sorted_probs, 0.0)
    return order, w / w.sum(axis=-1, keepdims=True), (before < p).sum(axis=-1, keepdims=True)


def _nucleus_torch(logits, p, temperature):
    import torch

    probs = torch.softmax(logits / temperature, dim=-1)  # torch.softmax subtracts the max
    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)
    before = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
    w = torch.where(before < p, sorted_probs, torch.zeros_like(sorted_probs))
    return order, w / w.sum(dim=-1, keepdim=True)


def top_p_probs(logits, p, temperature=1.0):
    _check(p, temperature)
    if isinstance(logits, np.ndarray):
        order, w, _ = _nucleus_numpy(logits, p, temperature)
        out = np.zeros_like(w)
        np.put_along_axis(out, order, w, axis=-1)
        return out
    order, w = _nucleus_torch(logits, p, temperature)
    return w.new_zeros(w.shape).scatter(-1, order, w)


def top_p_sample(logits, p, temperature=1.0, generator=None):
    _check(p, temperature)
    if isinstance(logits, np.ndarray):
        rng = np.random.default_rng() if generator is None else generator
        order, w, n = _nucleus_numpy(logits, p, temperature)
        u = rng.random(logits.shape[:-1] + (1,))
        # inverse CDF over the sorted nucleus; the clip to n - 1 guards rounding at the top
        j = np.minimum((np.cumsum(w, axis=-1) <= u).sum(axis=-1, keepdims=True), n - 1)
        return np.take_along_axis(order, j, axis=-1)[..., 0]
    import torch

    order, w = _nucleus_torch(logits, p, temperature)
    vocab = w.shape[-1]
    j = torch.multinomial(w.reshape(-1, vocab), 1, generator=generator)  # never picks a zero weight
    return order.gather(-1, j.reshape(order.shape[:-1] + (1,))).squeeze(-1)
