"""Sum of log1p(-k/i) with math.fsum, then -expm1: log-space product form, plain Python."""
import math


def pass_at_k(n: int, c: int, k: int) -> float:
    if not (n >= 1 and 0 <= c <= n and 1 <= k <= n):
        raise ValueError("need n >= 1, 0 <= c <= n, 1 <= k <= n")
    if n - c < k:
        return 1.0
    # log of prod (1 - k/i) over i = n-c+1..n, in the "wrong ones" form: C(n-c,k)/C(n,k)
    s = math.fsum(math.log1p(-k / i) for i in range(n - c + 1, n + 1))
    return -math.expm1(s)


def mean_pass_at_k(results, k: int) -> float:
    if len(results) == 0:
        raise ValueError("no problems")
    total = 0.0
    for n, c in results:
        total += pass_at_k(n, c, k)
    return total / len(results)
