import math

import torch


def _attend(q, K, V):
    scores = torch.stack([torch.dot(q, K[j]) for j in range(K.shape[0])]) / math.sqrt(q.shape[0])
    w = torch.softmax(scores, dim=0)
    return (w[:, None] * V).sum(0)


def forward_full(params, tokens):
    P = params
    rows = []
    Ks, Vs = [], []
    for i, t in enumerate(tokens):
        h = P["tok_emb"][t] + P["pos_emb"][i]
        Ks.append(h @ P["wk"])
        Vs.append(h @ P["wv"])
        a = _attend(h @ P["wq"], torch.stack(Ks), torch.stack(Vs))
        rows.append((h + a @ P["wo"]) @ P["w_out"] + P["b_out"])
    return torch.stack(rows)


def decode_step(params, token, cache):
    P = params
    t = 0 if cache is None else cache[0].shape[0]
    h = P["tok_emb"][token] + P["pos_emb"][t]
    k, v = (h @ P["wk"])[None], (h @ P["wv"])[None]
    K = k if cache is None else torch.cat([cache[0], k])
    V = v if cache is None else torch.cat([cache[1], v])
    a = _attend(h @ P["wq"], K, V)
    return (h + a @ P["wo"]) @ P["w_out"] + P["b_out"], (K, V)


def greedy_decode(params, prompt, n_new):
    cache = None
    for tok in prompt:
        logits, cache = decode_step(params, tok, cache)
    new = []
    for _ in range(n_new):
        nxt = int(torch.argmax(logits).item())
        new.append(nxt)
        logits, cache = decode_step(params, nxt, cache)  # also feeds the last one
    return new
