"""Plain loops: a shared per-position attention helper, float64 internally, results cast back to the params' dtype."""
import math

import numpy as np


def _attend(p, h, K, V):
    """Output logits for hidden state h attending over the rows of K, V (which include h's own row)."""
    d = h.shape[0]
    q = h @ p["wq"]
    scores = np.array([q @ K[j] for j in range(len(K))]) / math.sqrt(d)
    scores = np.exp(scores - scores.max())
    a = np.zeros(d)
    for j in range(len(K)):
        a += scores[j] / scores.sum() * V[j]
    return (h + a @ p["wo"]) @ p["w_out"] + p["b_out"]


def forward_full(params, tokens):
    dtype = params["tok_emb"].dtype
    p = {k: np.asarray(v, dtype=np.float64) for k, v in params.items()}
    H = np.stack([p["tok_emb"][tok] + p["pos_emb"][i] for i, tok in enumerate(tokens)])
    K, V = H @ p["wk"], H @ p["wv"]
    return np.stack([_attend(p, H[i], K[: i + 1], V[: i + 1]) for i in range(len(tokens))]).astype(dtype)


def decode_step(params, token, cache):
    dtype = params["tok_emb"].dtype
    p = {k: np.asarray(v, dtype=np.float64) for k, v in params.items()}
    d = p["tok_emb"].shape[1]
    K_old, V_old = cache if cache is not None else (np.zeros((0, d)), np.zeros((0, d)))
    t = len(K_old)
    h = p["tok_emb"][token] + p["pos_emb"][t]
    K = np.vstack([K_old, h @ p["wk"]])
    V = np.vstack([V_old, h @ p["wv"]])
    return _attend(p, h, K, V).astype(dtype), (K.astype(dtype), V.astype(dtype))


def greedy_decode(params, prompt, n_new):
    cache = None
    for tok in prompt:
        logits, cache = decode_step(params, tok, cache)
    generated = []
    while len(generated) < n_new:
        best = 0
        for i in range(1, len(logits)):
            if logits[i] > logits[best]:  # strict: the first maximum wins ties
                best = i
        generated.append(best)
        if len(generated) < n_new:
            logits, cache = decode_step(params, best, cache)
    return generated
