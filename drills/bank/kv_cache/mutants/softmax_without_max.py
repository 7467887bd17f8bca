"""Softmax as exp(s) / sum exp(s) without subtracting the max: inf/nan once a score passes ~709."""
import numpy as np


def _p(params):
    return {k: np.asarray(v, dtype=np.float64) for k, v in params.items()}


def forward_full(params, tokens):
    dt = np.asarray(params["wq"]).dtype
    p = _p(params)
    T = len(tokens)
    h = p["tok_emb"][np.array(tokens)] + p["pos_emb"][:T]
    q, k, v = h @ p["wq"], h @ p["wk"], h @ p["wv"]
    s = q @ k.T / np.sqrt(h.shape[1])
    s = np.where(np.tril(np.ones((T, T), dtype=bool)), s, -np.inf)
    w = np.exp(s)
    w /= w.sum(axis=1, keepdims=True)
    z = h + (w @ v) @ p["wo"]
    return (z @ p["w_out"] + p["b_out"]).astype(dt)


def decode_step(params, token, cache):
    dt = np.asarray(params["wq"]).dtype
    p = _p(params)
    d = p["wq"].shape[0]
    t = 0 if cache is None else cache[0].shape[0]
    h = p["tok_emb"][token] + p["pos_emb"][t]
    q, k, v = h @ p["wq"], h @ p["wk"], h @ p["wv"]
    if cache is None:
        K, V = k[None], v[None]
    else:
        K = np.vstack([np.asarray(cache[0], np.float64), k[None]])
        V = np.vstack([np.asarray(cache[1], np.float64), v[None]])
    s = K @ q / np.sqrt(d)
    w = np.exp(s)
    w /= w.sum()
    z = h + (w @ V) @ p["wo"]
    return (z @ p["w_out"] + p["b_out"]).astype(dt), (K.astype(dt), V.astype(dt))


def greedy_decode(params, prompt, n_new):
    cache = None
    logits = None
    for tok in prompt:
        logits, cache = decode_step(params, tok, cache)
    out = []
    for i in range(n_new):
        nxt = int(np.argmax(logits))
        out.append(nxt)
        if i < n_new - 1:
            logits, cache = decode_step(params, nxt, cache)
    return out
