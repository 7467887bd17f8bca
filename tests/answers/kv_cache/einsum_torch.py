"""torch: embedding lookups with F.embedding, einsum scores, F.softmax, tuple caches built with torch.cat."""
import math

import torch
import torch.nn.functional as F


def _embed(params, tokens, start):
    idx = torch.as_tensor(tokens, dtype=torch.long)
    pos = torch.arange(start, start + idx.numel())
    return F.embedding(idx, params["tok_emb"]) + F.embedding(pos, params["pos_emb"])


def forward_full(params, tokens):
    h = _embed(params, list(tokens), 0)
    T, d = h.shape
    q, k, v = h @ params["wq"], h @ params["wk"], h @ params["wv"]
    s = torch.einsum("id,jd->ij", q, k) / math.sqrt(d)
    s = s.masked_fill(torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1), float("-inf"))
    z = h + torch.einsum("ij,jd->id", F.softmax(s, dim=-1), v) @ params["wo"]
    return z @ params["w_out"] + params["b_out"]


def decode_step(params, token, cache):
    t = 0 if cache is None else cache[0].size(0)
    h = _embed(params, [token], t)  # (1, d)
    k_new, v_new = h @ params["wk"], h @ params["wv"]
    K = k_new if cache is None else torch.cat((cache[0], k_new), dim=0)
    V = v_new if cache is None else torch.cat((cache[1], v_new), dim=0)
    s = torch.einsum("d,jd->j", (h @ params["wq"])[0], K) / math.sqrt(h.size(-1))
    z = h[0] + F.softmax(s, dim=-1) @ V @ params["wo"]
    return z @ params["w_out"] + params["b_out"], (K, V)


def greedy_decode(params, prompt, n_new):
    out, cache, logits = [], None, None
    for tok in prompt:
        logits, cache = decode_step(params, tok, cache)
    for step in range(n_new):
        nxt = int(torch.argmax(logits))
        out.append(nxt)
        if step < n_new - 1:
            logits, cache = decode_step(params, nxt, cache)
    return out
