"""Benchmark mean pools the samples of all problems (sum of c over sum of n) instead of averaging per problem."""


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
    return pass_at_k(sum(n for n, _ in results), sum(c for _, c in results), k)
