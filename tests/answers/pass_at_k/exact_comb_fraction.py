"""Exact big-integer binomials (math.comb) and an exact Fraction, converted to float at the end."""
from fractions import Fraction
from math import comb


def pass_at_k(n, c, k):
    if n < 1 or c < 0 or c > n or k < 1 or k > n:
        raise ValueError("invalid n, c, k")
    return float(1 - Fraction(comb(n - c, k), comb(n, k)))


def mean_pass_at_k(results, k):
    values = [pass_at_k(n, c, k) for n, c in results]
    if not values:
        raise ValueError("no problems")
    return sum(values) / len(values)
