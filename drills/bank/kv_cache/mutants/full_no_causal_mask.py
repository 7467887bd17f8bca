"""forward_full forgets the causal mask, so every position also attends to later tokens."""
import math

import numpy as np


def _softmax(s):
    w = np.exp(s - s.max(axis=-1, keepdims=True))
    return w / w.sum(axis=-1, keepdims=True)


def forward_full(params, tokens):
    p = params
    T, d = len(tokens), p["tok_emb"].shape[1]
    h = p["tok_emb"][list(tokens)] + p["pos_emb"][:T]
    s = (h @ p["wq"]) @ (h @ p["wk"]).T / math.sqrt(d)
    s = np.where(np.tril(np.ones((T, T), dtype=bool)), s, -np.inf)
    return (h + _softmax(s) @ (h @ p["wv"]) @ p["wo"]) @ p["w_out"] + p["b_out"]


def _step(params, token, cache, pos=None, include_self=True, scale=True):
    p = params
    t = 0 if cache is None else cache[0].shape[0]
    d = p["tok_emb"].shape[1]
    h = p["tok_emb"][token] + p["pos_emb"][t if pos is None else pos]
    k, v = (h @ p["wk"])[None], (h @ p["wv"])[None]
    K = k if cache is None else np.concatenate([cache[0], k])
    V = v if cache is None else np.concatenate([cache[1], v])
    Ka, Va = (K, V) if include_self or t == 0 else (K[:-1], V[:-1])
    w = _softmax(Ka @ (h @ p["wq"]) / (math.sqrt(d) if scale else 1.0))
    return (h + w @ Va @ p["wo"]) @ p["w_out"] + p["b_out"], (K, V)


def _greedy(step, params, prompt, n_new, argmax=np.argmax):
    if n_new == 0:
        return []
    cache = None
    for tok in prompt:
        logits, cache = step(params, tok, cache)
    out = []
    for i in range(n_new):
        tok = int(argmax(logits))
        out.append(tok)
        if i + 1 < n_new:
            logits, cache = step(params, tok, cache)
    return out


def forward_full(params, tokens):  # noqa: F811
    p = params
    T, d = len(tokens), p['tok_emb'].shape[1]
    h = p['tok_emb'][list(tokens)] + p['pos_emb'][:T]
    s = (h @ p['wq']) @ (h @ p['wk']).T / math.sqrt(d)
    return (h + _softmax(s) @ (h @ p['wv']) @ p['wo']) @ p['w_out'] + p['b_out']


def decode_step(params, token, cache):
    return _step(params, token, cache)


def greedy_decode(params, prompt, n_new):
    return _greedy(decode_step, params, prompt, n_new)
