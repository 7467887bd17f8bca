import math

import numpy as np


def forward_full(params, tokens):
    """Logits (T, V) of every position, without a cache."""
    raise NotImplementedError("write the full forward pass here")


def decode_step(params, token, cache):
    """One new token at position t = len(cache); cache is None or (K, V), each (t, d).

    Returns (logits (V,), (K', V')) with K', V' of shape (t + 1, d).
    """
    raise NotImplementedError("write one cached decoding step here")


def greedy_decode(params, prompt, n_new):
    """n_new greedy token ids after prompt (ties -> lowest id), via decode_step only."""
    raise NotImplementedError("write greedy decoding here")
