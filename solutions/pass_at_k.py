"""Reference: the unbiased pass@k estimator of Chen et al. (2021, arXiv:2107.03374), product form."""


def _validate(n, c, k):
    if not (1 <= n and 0 <= c <= n and 1 <= k <= n):
        raise ValueError(f"need n >= 1, 0 <= c <= n, 1 <= k <= n; got n={n}, c={c}, k={k}")


def pass_at_k(n: int, c: int, k: int) -> float:
    _validate(n, c, k)
    if n - c < k:  # every draw of k samples contains a correct one
        return 1.0
    # C(n-c, k) / C(n, k) = prod_{i=n-c+1}^{n} (1 - k/i): c factors in (0, 1], no huge numbers
    all_wrong = 1.0
    for i in range(n - c + 1, n + 1):
        all_wrong *= 1.0 - k / i
    return 1.0 - all_wrong


def mean_pass_at_k(results, k: int) -> float:
    results = list(results)
    if not results:
        raise ValueError("results is empty")
    values = [pass_at_k(n, c, k) for n, c in results]
    return sum(values) / len(values)
