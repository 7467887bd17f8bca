"""NumPy, using the symmetric identity C(n-c,k)/C(n,k) = C(n-k,c)/C(n,c) = prod_{i=n-k+1}^{n} (1 - c/i)."""
import numpy as np


def pass_at_k(n, c, k):
    if not (n >= 1 and 0 <= c <= n and 1 <= k <= n):
        raise ValueError("invalid n, c, k")
    if n - c < k:
        return 1.0
    return float(1.0 - np.prod(1.0 - c / np.arange(n - k + 1, n + 1, dtype=np.float64)))


def mean_pass_at_k(results, k):
    if len(results) == 0:
        raise ValueError("no problems")
    return float(np.mean([pass_at_k(int(n), int(c), k) for n, c in results]))
