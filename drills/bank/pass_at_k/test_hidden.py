"""Hidden suite for `pass_at_k` (plain Python). References use exact rational arithmetic."""

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from postprep.drills.harness import assert_close, check, fail

SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=60)
TOL = {"rtol": 1e-7, "atol": 1e-9}


def exact(n, c, k):
    """1 - C(n-c, k) / C(n, k) as an exact fraction (math.comb is 0 when n - c < k)."""
    return 1 - Fraction(math.comb(n - c, k), math.comb(n, k))


def as_float(value, what):
    try:
        x = float(value)
    except (TypeError, ValueError):
        fail(f"{what} is {value!r} ({type(value).__name__}); expected a float")
    check(math.isfinite(x), f"{what} is {x}, not a finite number")
    return x


def run(impl, n, c, k):
    return as_float(impl.pass_at_k(n, c, k), f"pass_at_k({n}, {c}, {k})")


def close(got, expected, what):
    assert_close(np.array(got), np.array(float(expected)), what=what, **TOL)


def test_worked_examples(impl):
    """The prompt's examples: 0.9, 0.3, 0.91667, 1.0 and the n = 10,000 case."""
    for (n, c, k), want in [((5, 2, 3), 0.9), ((10, 3, 1), 0.3), ((10, 3, 5), 1 - 21 / 252), ((4, 2, 3), 1.0)]:
        close(run(impl, n, c, k), want, f"pass_at_k({n}, {c}, {k})")
    close(run(impl, 10_000, 10, 100), exact(10_000, 10, 100), "pass_at_k(10000, 10, 100)")


@SETTINGS
@given(data=st.data(), n=st.integers(1, 300))
def test_matches_exact_fractions(impl, data, n):
    """On many random (n, c, k), agrees with 1 - C(n-c,k)/C(n,k) computed exactly with fractions."""
    c = data.draw(st.integers(0, n), label="c")
    k = data.draw(st.integers(1, n), label="k")
    close(run(impl, n, c, k), exact(n, c, k), f"pass_at_k({n}, {c}, {k})")


@pytest.mark.parametrize("n, c, k", [
    (10_000, 1, 1), (10_000, 1, 5_000), (10_000, 5_000, 10), (10_000, 5_000, 1_000),
    (10_000, 9_000, 500), (10_000, 20, 9_000), (10_000, 2, 2), (100_000, 50, 1_000),
])
def test_large_n_is_stable(impl, n, c, k):
    """n = 10,000 and 100,000 (binomials with thousands of digits): finite and exact to ~1e-9."""
    close(run(impl, n, c, k), exact(n, c, k), f"pass_at_k({n}, {c}, {k})")


def test_pass_at_1_is_fraction_correct(impl):
    """pass@1 equals c / n, for small and large n."""
    for n, c in [(1, 0), (1, 1), (7, 3), (200, 13), (10_000, 1_234)]:
        close(run(impl, n, c, 1), c / n, f"pass_at_k({n}, {c}, 1)")


def test_too_few_wrong_samples_gives_one(impl):
    """When n - c < k (including c = n and k = n with c >= 1), pass@k is exactly 1.0."""
    for n, c, k in [(4, 2, 3), (5, 5, 1), (5, 5, 5), (10, 1, 10), (10_000, 9_999, 2), (10_000, 10_000, 10_000)]:
        got = run(impl, n, c, k)
        check(got == 1.0, f"pass_at_k({n}, {c}, {k}) = {got!r}; expected 1.0 (fewer than k wrong samples)")


def test_no_correct_sample_gives_zero(impl):
    """c = 0 gives exactly 0.0 for any k, including n = 10,000."""
    for n, k in [(1, 1), (10, 3), (10, 10), (10_000, 1), (10_000, 5_000)]:
        got = run(impl, n, 0, k)
        check(got == 0.0, f"pass_at_k({n}, 0, {k}) = {got!r}; expected 0.0")


def test_monotone_in_k_and_c(impl):
    """pass@k never decreases when k or c grows (n = 50 and n = 2,000)."""
    for n in (50, 2_000):
        for c in (0, 1, 3, n // 10, n // 2):
            values = [run(impl, n, c, k) for k in range(1, n + 1, max(1, n // 40))]
            for a, b in zip(values, values[1:]):
                check(b >= a - 1e-12, f"pass@k decreased as k grew (n={n}, c={c}): {a} then {b}")
        for k in (1, 2, 5, n // 4):
            values = [run(impl, n, c, k) for c in range(0, n + 1, max(1, n // 40))]
            for a, b in zip(values, values[1:]):
                check(b >= a - 1e-12, f"pass@k decreased as c grew (n={n}, k={k}): {a} then {b}")


@pytest.mark.parametrize("n, c, k", [(3, 1, 4), (10, 11, 1), (10, -1, 2), (10, 2, 0), (10, 2, -3), (0, 0, 1)])
def test_invalid_inputs_raise_value_error(impl, n, c, k):
    """k > n, c > n, c < 0, k < 1 and n < 1 raise ValueError."""
    try:
        got = impl.pass_at_k(n, c, k)
    except ValueError:
        return
    except Exception as exc:  # noqa: BLE001
        fail(f"pass_at_k({n}, {c}, {k}) raised {type(exc).__name__}; expected ValueError")
    fail(f"pass_at_k({n}, {c}, {k}) returned {got!r}; expected ValueError")


def test_mean_over_problems(impl):
    """mean_pass_at_k is the plain mean of per-problem pass@k; problems may have different n."""
    close(as_float(impl.mean_pass_at_k([(5, 2), (10, 3)], 1), "mean_pass_at_k"), 0.35, "mean_pass_at_k([(5, 2), (10, 3)], 1)")
    rng = np.random.default_rng(0)
    results = []
    for _ in range(40):
        n = int(rng.integers(10, 400))
        results.append((n, int(rng.integers(0, n + 1))))
    results.append((10_000, 37))
    for k in (1, 5, 10):
        want = sum(exact(n, c, k) for n, c in results) / len(results)
        got = as_float(impl.mean_pass_at_k(results, k), f"mean_pass_at_k(..., {k})")
        close(got, want, f"mean_pass_at_k over 41 problems, k={k}")


def test_mean_errors(impl):
    """mean_pass_at_k raises ValueError for no problems, or a problem with k > n or c > n."""
    for results, k in [([], 1), ([(5, 2), (3, 1)], 4), ([(5, 6)], 1)]:
        try:
            got = impl.mean_pass_at_k(results, k)
        except ValueError:
            continue
        except Exception as exc:  # noqa: BLE001
            fail(f"mean_pass_at_k({results}, {k}) raised {type(exc).__name__}; expected ValueError")
        fail(f"mean_pass_at_k({results}, {k}) returned {got!r}; expected ValueError")


def test_inputs_not_modified(impl):
    """The results list given to mean_pass_at_k is unchanged after the call."""
    results = [[5, 2], [10, 3], [7, 7]]
    impl.mean_pass_at_k(results, 2)
    check(results == [[5, 2], [10, 3], [7, 7]], f"results was modified by the call: {results}")
