import numpy as np


def top_k_probs(logits, k, temperature=1.0):
    """softmax(logits / temperature) restricted to the k largest logits of each row, renormalised.

    logits: (..., V) float32 or float64 -> (..., V), zeros outside the k kept entries.
    Raises ValueError if k < 1, k > V or temperature <= 0.
    """
    raise NotImplementedError("write top_k_probs here")


def top_k_sample(logits, k, temperature=1.0, generator=None):
    """One token id per row drawn from top_k_probs(logits, k, temperature).

    logits: (..., V) -> integer ids of shape (...,). generator: a numpy.random.Generator,
    or None for a fresh np.random.default_rng().
    """
    raise NotImplementedError("write top_k_sample here")
