"""numpy: casts the parameters (and the cache) to float32 to compute, then casts the logits and cache back to the params' dtype: a float64 model gets float32 accuracy."""
import math

import numpy as np


def _f32(params):
    return {k: np.asarray(v).astype(np.float32) for k, v in params.items()}


def _softmax(s):
    w = np.exp(s - s.max(axis=-1, keepdims=True))
    return w / w.sum(axis=-1, keepdims=True)


def forward_full(params, tokens):
    dt = params["tok_emb"].dtype
    p = _f32(params)
    T, d = len(tokens), p["tok_emb"].shape[1]
    h = p["tok_emb"][list(tokens)] + p["pos_emb"][:T]
    q, k, v = h @ p["wq"], h @ p["wk"], h @ p["wv"]
    s = np.where(np.tril(np.ones((T, T), dtype=bool)), q @ k.T / math.sqrt(d), -np.inf)
    z = h + _softmax(s) @ v @ p["wo"]
    return (z @ p["w_out"] + p["b_out"]).astype(dt)


def decode_step(params, token, cache):
    dt = params["tok_emb"].dtype
    p = _f32(params)
    t = 0 if cache is None else cache[0].shape[0]
    d = p["tok_emb"].shape[1]
    h = p["tok_emb"][token] + p["pos_emb"][t]
    k, v = (h @ p["wk"])[None], (h @ p["wv"])[None]
    K = k if cache is None else np.concatenate([cache[0].astype(np.float32), k])
    V = v if cache is None else np.concatenate([cache[1].astype(np.float32), v])
    w = _softmax(K @ (h @ p["wq"]) / math.sqrt(d))
    z = h + w @ V @ p["wo"]
    return (z @ p["w_out"] + p["b_out"]).astype(dt), (K.astype(dt), V.astype(dt))


def greedy_decode(params, prompt, n_new):
    cache, logits, out = None, None, []
    for tok in prompt:
        logits, cache = decode_step(params, tok, cache)
    for i in range(n_new):
        out.append(int(np.argmax(logits)))
        if i + 1 < n_new:
            logits, cache = decode_step(params, out[-1], cache)
    return out
