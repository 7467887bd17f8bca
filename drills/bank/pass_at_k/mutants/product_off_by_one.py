"""Product range off by one: i runs from n - c to n - 1 instead of n - c + 1 to n."""


def pass_at_k(n, c, k):
    if not (1 <= n and 0 <= c <= n and 1 <= k <= n):
        raise ValueError("bad input")
    if n - c < k:
        return 1.0
    p = 1.0
    for i in range(n - c, n):
        p *= 1.0 - k / i if i > 0 else 0.0
    return 1.0 - p


def mean_pass_at_k(results, k):
    results = list(results)
    if not results:
        raise ValueError("empty")
    return sum(pass_at_k(n, c, k) for n, c in results) / len(results)
