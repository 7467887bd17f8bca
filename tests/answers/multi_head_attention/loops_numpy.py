"""A loop over heads with column slices, float64 internally, the causal mask as an additive -1e30 bias."""
import numpy as np


def multi_head_attention(x, Wq, Wk, Wv, Wo, n_heads, causal=False):
    d_model = x.shape[-1]
    if not isinstance(n_heads, int) or n_heads <= 0 or d_model % n_heads:
        raise ValueError("n_heads must be a positive divisor of d_model")
    dh = d_model // n_heads
    x64 = x.astype(np.float64)
    Q, K, V = x64 @ Wq, x64 @ Wk, x64 @ Wv
    T = x.shape[-2]
    bias = np.triu(np.full((T, T), -1e30), 1) if causal else np.zeros((T, T))
    heads = []
    for h in range(n_heads):
        sl = slice(h * dh, (h + 1) * dh)
        s = Q[..., sl] @ np.swapaxes(K[..., sl], -1, -2) / np.sqrt(dh) + bias
        s -= s.max(axis=-1, keepdims=True)
        p = np.exp(s)
        p /= p.sum(axis=-1, keepdims=True)
        heads.append(p @ V[..., sl])
    return (np.concatenate(heads, axis=-1) @ Wo).astype(x.dtype)
