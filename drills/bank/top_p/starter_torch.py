import torch


def top_p_probs(logits, p, temperature=1.0):
    """softmax(logits / temperature) restricted to the nucleus of each row, renormalised.

    The nucleus is the smallest set of most probable tokens whose probabilities sum to >= p.
    logits: (..., V) float32 or float64 -> (..., V), exact zeros outside the nucleus.
    Raises ValueError unless 0 < p <= 1 and temperature > 0.
    """
    raise NotImplementedError("write top_p_probs here")


def top_p_sample(logits, p, temperature=1.0, generator=None):
    """One token id per row drawn from top_p_probs(logits, p, temperature).

    logits: (..., V) -> integer ids of shape (...,). generator: a torch.Generator,
    or None for torch's default generator.
    """
    raise NotImplementedError("write top_p_sample here")
