"""Never validates: k > n quietly returns 1.0 instead of raising ValueError."""


def pass_at_k(n, c, k):
    if n - c < k:
        return 1.0
    p = 1.0
    for i in range(n - c + 1, n + 1):
        p *= 1.0 - k / i
    return 1.0 - p


def mean_pass_at_k(results, k):
    results = list(results)
    return sum(pass_at_k(n, c, k) for n, c in results) / max(len(results), 1)
