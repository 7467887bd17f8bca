"""Benchmark mean weighted by each problem's number of samples n instead of a plain mean."""


def pass_at_k(n, c, k):
    if not (1 <= n and 0 <= c <= n and 1 <= k <= n):
        raise ValueError("bad input")
    if n - c < k:
        return 1.0
    p = 1.0
    for i in range(n - c + 1, n + 1):
        p *= 1.0 - k / i
    return 1.0 - p


def mean_pass_at_k(results, k):
    results = list(results)
    if not results:
        raise ValueError("empty")
    return sum(n * pass_at_k(n, c, k) for n, c in results) / sum(n for n, _ in results)
