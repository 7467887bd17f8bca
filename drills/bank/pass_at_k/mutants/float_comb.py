"""Uses the binomial form with floats: float(comb(...)) overflows for n = 10,000."""
from math import comb


def pass_at_k(n, c, k):
    if not (1 <= n and 0 <= c <= n and 1 <= k <= n):
        raise ValueError("bad input")
    if n - c < k:
        return 1.0
    return 1.0 - float(comb(n - c, k)) / float(comb(n, k))


def mean_pass_at_k(results, k):
    results = list(results)
    if not results:
        raise ValueError("empty")
    return sum(pass_at_k(n, c, k) for n, c in results) / len(results)
