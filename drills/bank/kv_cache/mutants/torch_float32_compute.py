"""torch: upcasts/downcasts the parameters and cache with .float() to compute, then casts the logits and cache back to the params' dtype: a float64 model gets float32 accuracy."""
import math

import torch


def forward_full(params, tokens):
    dt = params["tok_emb"].dtype
    p = {k: v.float() for k, v in params.items()}
    T, d = len(tokens), p["tok_emb"].shape[1]
    h = p["tok_emb"][list(tokens)] + p["pos_emb"][:T]
    s = (h @ p["wq"]) @ (h @ p["wk"]).T / math.sqrt(d)
    s = s.masked_fill(torch.ones(T, T, dtype=torch.bool).triu(1), float("-inf"))
    z = h + torch.softmax(s, -1) @ (h @ p["wv"]) @ p["wo"]
    return (z @ p["w_out"] + p["b_out"]).to(dt)


def decode_step(params, token, cache):
    dt = params["tok_emb"].dtype
    p = {k: v.float() for k, v in params.items()}
    t = 0 if cache is None else cache[0].shape[0]
    d = p["tok_emb"].shape[1]
    h = p["tok_emb"][token] + p["pos_emb"][t]
    k, v = (h @ p["wk"])[None], (h @ p["wv"])[None]
    K = k if cache is None else torch.cat([cache[0].float(), k])
    V = v if cache is None else torch.cat([cache[1].float(), v])
    w = torch.softmax(K @ (h @ p["wq"]) / math.sqrt(d), -1)
    z = h + w @ V @ p["wo"]
    return (z @ p["w_out"] + p["b_out"]).to(dt), (K.to(dt), V.to(dt))


def greedy_decode(params, prompt, n_new):
    cache, out = None, []
    for tok in prompt:
        logits, cache = decode_step(params, tok, cache)
    for i in range(n_new):
        out.append(int(logits.argmax()))
        if i + 1 < n_new:
            logits, cache = decode_step(params, out[-1], cache)
    return out
