"""The biased estimator 1 - (1 - c/n)^k (sampling with replacement)."""


def pass_at_k(n, c, k):
    if not (1 <= n and 0 <= c <= n and 1 <= k <= n):
        raise ValueError("bad input")
    return 1.0 - (1.0 - c / n) ** k


def mean_pass_at_k(results, k):
    results = list(results)
    if not results:
        raise ValueError("empty")
    return sum(pass_at_k(n, c, k) for n, c in results) / len(results)
