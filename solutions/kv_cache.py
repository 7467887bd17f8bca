"""Reference: a one-layer, single-head causal language model, its full forward pass, one decoding step
with a key/value cache, and greedy decoding through that step. NumPy and PyTorch.

h_i = tok_emb[t_i] + pos_emb[i];  q, k, v = h @ wq, h @ wk, h @ wv
z_i = h_i + (sum_{j <= i} softmax_j(q_i . k_j / sqrt(d)) v_j) @ wo;  logits_i = z_i @ w_out + b_out
"""

import math

import numpy as np


def _ops(like):
    """(concatenate, softmax over the last axis, causal mask) for the params' framework."""
    if isinstance(like, np.ndarray):
        def softmax(s):
            w = np.exp(s - s.max(axis=-1, keepdims=True))
            return w / w.sum(axis=-1, keepdims=True)
        return (lambda parts: np.concatenate(parts, axis=0)), softmax, (lambda T: np.tril(np.ones((T, T), dtype=bool)))
    import torch

    return (lambda parts: torch.cat(parts, dim=0)), (lambda s: torch.softmax(s, dim=-1)), \
        (lambda T: torch.ones(T, T, dtype=torch.bool).tril())


def forward_full(params, tokens):
    """Logits (T, V) for every position of `tokens`, recomputing everything (no cache)."""
    p = params
    _, softmax, causal = _ops(p["tok_emb"])
    T, d = len(tokens), p["tok_emb"].shape[1]
    h = p["tok_emb"][list(tokens)] + p["pos_emb"][:T]
    q, k, v = h @ p["wq"], h @ p["wk"], h @ p["wv"]
    scores = q @ k.T / math.sqrt(d)
    if isinstance(scores, np.ndarray):
        scores = np.where(causal(T), scores, -np.inf)
    else:
        scores = scores.masked_fill(~causal(T), float("-inf"))
    z = h + softmax(scores) @ v @ p["wo"]
    return z @ p["w_out"] + p["b_out"]


def decode_step(params, token, cache):
    """Logits (V,) for one new token at position t = len(cache), and the cache grown to t + 1 rows."""
    p = params
    cat, softmax, _ = _ops(p["tok_emb"])
    t = 0 if cache is None else cache[0].shape[0]
    d = p["tok_emb"].shape[1]
    h = p["tok_emb"][token] + p["pos_emb"][t]  # (d,)
    k_new, v_new = (h @ p["wk"])[None], (h @ p["wv"])[None]  # (1, d)
    K = k_new if cache is None else cat([cache[0], k_new])
    V = v_new if cache is None else cat([cache[1], v_new])
    weights = softmax(K @ (h @ p["wq"]) / math.sqrt(d))  # over positions 0..t: the new token attends to itself too
    z = h + weights @ V @ p["wo"]
    return z @ p["w_out"] + p["b_out"], (K, V)


def greedy_decode(params, prompt, n_new):
    """n_new greedy tokens after `prompt`, one decode_step per token fed; ties go to the lowest id."""
    if n_new == 0:
        return []
    cache, logits = None, None
    for token in prompt:  # prefill, one token at a time
        logits, cache = decode_step(params, token, cache)
    out = []
    for i in range(n_new):
        token = int(logits.argmax())  # np.argmax and torch.argmax both return the first maximum
        out.append(token)
        if i + 1 < n_new:  # the last new token is never fed
            logits, cache = decode_step(params, token, cache)
    return out
