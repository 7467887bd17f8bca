import numpy as np


def multi_head_attention(x, Wq, Wk, Wv, Wo, n_heads, causal=False):
    d = x.shape[-1]
    if n_heads < 1 or d % n_heads:
        raise ValueError("n_heads must divide d_model")
    T = x.shape[-2]
    dh = d // n_heads
    Q, K, V = x @ Wq, x @ Wk, x @ Wv
    outs = []
    for h in range(n_heads):
        sl = slice(h * dh, (h + 1) * dh)
        s = Q[..., sl] @ np.swapaxes(K[..., sl], -1, -2) / np.sqrt(dh)
        if causal:
            s = np.where(np.triu(np.ones((T, T), dtype=bool), 1), -np.inf, s)
        s = s - s.max(axis=-1, keepdims=True)
        p = np.exp(s)
        p = p / p.sum(axis=-1, keepdims=True)
        outs.append(p @ V[..., sl])
    return np.concatenate(outs, axis=-1) @ Wo
