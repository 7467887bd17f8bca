"""Log-space binomials with math.lgamma and expm1 (float64 throughout)."""
import math


def _log_comb(a, b):
    return math.lgamma(a + 1) - math.lgamma(b + 1) - math.lgamma(a - b + 1)


def pass_at_k(n, c, k):
    if not (n >= 1 and 0 <= c <= n and 1 <= k <= n):
        raise ValueError("invalid n, c, k")
    if n - c < k:
        return 1.0
    return -math.expm1(_log_comb(n - c, k) - _log_comb(n, k))


def mean_pass_at_k(results, k):
    results = list(results)
    if not results:
        raise ValueError("no problems")
    return math.fsum(pass_at_k(n, c, k) for n, c in results) / len(results)
