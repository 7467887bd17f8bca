"""Accumulates the product in float32: about 1e-4 error once n is in the thousands."""
import numpy as np


def pass_at_k(n, c, k):
    if not (1 <= n and 0 <= c <= n and 1 <= k <= n):
        raise ValueError("bad input")
    if n - c < k:
        return 1.0
    terms = 1.0 - np.float32(k) / np.arange(n - c + 1, n + 1, dtype=np.float32)
    return float(1.0 - np.prod(terms, dtype=np.float32))


def mean_pass_at_k(results, k):
    results = list(results)
    if not results:
        raise ValueError("empty")
    return float(np.mean([pass_at_k(n, c, k) for n, c in results]))
