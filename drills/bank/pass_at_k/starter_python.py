def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k = 1 - C(n-c, k) / C(n, k) for one problem; stable for large n.

    ValueError unless n >= 1, 0 <= c <= n, 1 <= k <= n.
    """
    raise NotImplementedError("write pass@k here")


def mean_pass_at_k(results, k: int) -> float:
    """Mean of pass_at_k(n, c, k) over results, a non-empty sequence of (n, c) pairs."""
    raise NotImplementedError("write the benchmark mean here")
