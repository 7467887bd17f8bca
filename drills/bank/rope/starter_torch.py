import torch


def rope(x, convention, positions=None, base=10000.0):
    """Rotary position embeddings; convention "interleaved" (pairs (x[2i], x[2i+1])) or "half" (pairs (x[i], x[i+d/2])).

    x: (..., T, d); positions: None (0..T-1) or integers of shape (T,) -> same shape and dtype as x
    """
    raise NotImplementedError("write RoPE here")
