"""Log-binomials via lgamma, but exponentiated in float32: loses the small values near 0."""
import math

import numpy as np


def pass_at_k(n, c, k):
    if not (1 <= n and 0 <= c <= n and 1 <= k <= n):
        raise ValueError("bad input")
    if n - c < k:
        return 1.0
    log_ratio = (math.lgamma(n - c + 1) - math.lgamma(n - c - k + 1)) - (math.lgamma(n + 1) - math.lgamma(n - k + 1))
    return float(np.float32(1.0) - np.exp(np.float32(log_ratio)))


def mean_pass_at_k(results, k):
    results = list(results)
    if not results:
        raise ValueError("empty")
    return sum(pass_at_k(n, c, k) for n, c in results) / len(results)
