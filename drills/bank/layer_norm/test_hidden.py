"""Hidden suite for `layer_norm`. References follow the torch.nn.LayerNorm definition, computed in
float64 NumPy here (never by calling a library layer norm)."""

import math

import numpy as np
import pytest
from hypothesis import Phase, given, settings, strategies as st

from postprep.drills.harness import assert_close, assert_finite, check

# No shrinking: a wrong answer fails on its first counterexample instead of spending the time limit.
SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=25, phases=(Phase.explicit, Phase.generate))
F32 = {"rtol": 1e-4, "atol": 1e-5}


def reference(x, gamma, beta, eps=1e-5):
    """float64: (x - mean) / sqrt(biased var + eps) * gamma + beta over the last axis."""
    x, gamma, beta = (np.asarray(a, dtype=np.float64) for a in (x, gamma, beta))
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


def loop_reference(x, gamma, beta, eps):
    """The definition, one row at a time, with Python floats (math.fsum for the sums)."""
    x = np.asarray(x, dtype=np.float64)
    out = np.zeros_like(x)
    d = x.shape[-1]
    for idx in np.ndindex(*x.shape[:-1]):
        row = [float(v) for v in x[idx]]
        mean = math.fsum(row) / d
        var = math.fsum((v - mean) ** 2 for v in row) / d
        out[idx] = [(v - mean) / math.sqrt(var + eps) * float(g) + float(b) for v, g, b in zip(row, gamma, beta)]
    return out


def lower_precision(a, b):
    order = ["float16", "bfloat16", "float32", "float64"]
    return min(a, b, key=lambda d: order.index(d) if d in order else 3)


def run(impl, fw, x, gamma, beta, dtype="float64", eps=None):
    args = [fw.array(a, dtype) for a in (x, gamma, beta)]
    out = impl.layer_norm(*args) if eps is None else impl.layer_norm(*args, eps=eps)
    got = fw.to_numpy(out)
    check(got.shape == np.shape(x), f"the output has shape {tuple(got.shape)} for x of shape {np.shape(x)}; expected the same shape")
    return got, lower_precision(dtype, fw.dtype_name(out))


def params(rng, d):
    return 1.0 + 0.5 * rng.standard_normal(d), 0.5 * rng.standard_normal(d)


def test_worked_example(impl, fw):
    """The prompt's example: per-feature gamma and beta, a constant row gives beta, and eps = 1."""
    x = np.array([[1.0, 2.0, 3.0, 4.0], [2.0, 2.0, 2.0, 2.0]])
    got, dt = run(impl, fw, x, np.array([1.0, 2.0, 0.5, 1.0]), np.array([0.0, 0.0, 1.0, -1.0]))
    expected = [[-1.3416354199689269, -0.894423613312618, 1.2236059033281546, 0.3416354199689269], [0.0, 0.0, 1.0, -1.0]]
    assert_close(got, expected, dtype=dt)
    got, dt = run(impl, fw, x[:1], np.ones(4), np.zeros(4), eps=1.0)
    assert_close(got, [[-1.0, -1.0 / 3.0, 1.0 / 3.0, 1.0]], dtype=dt, what="the output with eps=1.0")


def test_batched_sequence(impl, fw):
    """(B, T, D) input: every row is normalised on its own and matches the definition."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 5, 16)) * 3.0 + 1.5
    gamma, beta = params(rng, 16)
    got, dt = run(impl, fw, x, gamma, beta)
    assert_close(got, reference(x, gamma, beta), dtype=dt)


def test_normalised_rows(impl, fw):
    """With gamma = 1 and beta = 0, each row has mean 0 and (biased) variance var / (var + eps)."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((6, 10)) * rng.uniform(0.01, 5.0, size=(6, 1))
    got, dt = run(impl, fw, x, np.ones(10), np.zeros(10))
    var = x.var(-1)
    assert_close(got.mean(-1), np.zeros(6), dtype=dt, what="the mean of each output row")
    assert_close(got.var(-1), var / (var + 1e-5), dtype=dt, what="the biased variance of each output row")


def test_biased_variance(impl, fw):
    """The variance divides by D, not D - 1 (visible for short rows, D = 2 and 3)."""
    for x in (np.array([[0.0, 2.0], [-1.0, 3.0]]), np.array([[1.0, 2.0, 6.0], [0.0, 0.0, 3.0]])):
        d = x.shape[-1]
        got, dt = run(impl, fw, x, np.ones(d), np.zeros(d))
        assert_close(got, reference(x, np.ones(d), np.zeros(d)), dtype=dt, what=f"the output for rows of D = {d} (biased variance)")


def test_eps_inside_the_square_root(impl, fw):
    """Rows with a variance near eps: the result uses sqrt(var + eps), not sqrt(var) + eps; a constant row gives beta."""
    rng = np.random.default_rng(2)
    x = rng.standard_normal((4, 8)) * np.array([[1e-3], [3e-3], [1e-2], [0.0]]) + 0.7
    gamma, beta = params(rng, 8)
    got, dt = run(impl, fw, x, gamma, beta)
    assert_finite(got, what="the output for a constant row")
    assert_close(got, reference(x, gamma, beta), dtype=dt)
    assert_close(got[3], beta, dtype=dt, what="the output for a constant row (should be beta)")


def test_eps_argument(impl, fw):
    """The eps argument is used: eps = 0.1 and eps = 1e-8 change the result as the definition says."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((3, 6)) * 0.5
    gamma, beta = params(rng, 6)
    for eps in (0.1, 1e-8):
        got, dt = run(impl, fw, x, gamma, beta, eps=eps)
        assert_close(got, reference(x, gamma, beta, eps), dtype=dt, what=f"the output with eps={eps}")


def test_gamma_and_beta_per_feature(impl, fw):
    """gamma scales and beta shifts each feature after normalising (not before, not swapped)."""
    rng = np.random.default_rng(4)
    x = rng.standard_normal((5, 7)) * 2.0
    gamma = np.array([0.5, 2.0, -1.0, 3.0, 0.0, 1.0, 4.0])
    beta = np.array([1.0, -2.0, 0.5, 0.0, 7.0, -0.25, 3.0])
    got, dt = run(impl, fw, x, gamma, beta)
    assert_close(got, reference(x, gamma, beta), dtype=dt)
    assert_close(got[:, 4], np.full(5, 7.0), dtype=dt, what="feature 4 (gamma = 0, beta = 7)")


def test_shift_invariance_large_mean(impl, fw):
    """Adding a constant to a row (up to 1e6, float64) leaves the output unchanged: the variance is computed stably."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((4, 12))
    base, dt = run(impl, fw, x, np.ones(12), np.zeros(12))
    shifted = x + np.array([[0.0], [1e3], [-5e4], [1e6]])
    got, _ = run(impl, fw, shifted, np.ones(12), np.zeros(12))
    assert_close(got, base, dtype=dt, rtol=1e-6, atol=1e-6, what="the output after adding a large constant to each row")


def test_float32_inputs(impl, fw):
    """float32 inputs are accepted and the result is accurate to float32 precision."""
    rng = np.random.default_rng(6)
    x = (rng.standard_normal((3, 4, 32)) * 2.0 + 1.0).astype(np.float32)
    gamma, beta = (a.astype(np.float32) for a in params(rng, 32))
    got, dt = run(impl, fw, x, gamma, beta, dtype="float32")
    assert_close(got, reference(x, gamma, beta), dtype=dt, **F32)


def test_float64_inputs_keep_float64_precision(impl, fw):
    """float64 inputs are computed in float64: the result matches the definition to ~1e-10, not float32's ~1e-7."""
    rng = np.random.default_rng(12)
    x = rng.standard_normal((4, 6, 64)) * 7.0 + 3.0
    gamma, beta = params(rng, 64)
    got, _ = run(impl, fw, x, gamma, beta)
    assert_close(got, reference(x, gamma, beta), rtol=1e-10, atol=1e-12,
                 what="the float64 output (a float32 computation or result is off by about 1e-7)")


def test_single_row(impl, fw):
    """An unbatched (D,) vector works."""
    rng = np.random.default_rng(7)
    x = rng.standard_normal(9) * 4.0
    gamma, beta = params(rng, 9)
    got, dt = run(impl, fw, x, gamma, beta)
    assert_close(got, reference(x, gamma, beta), dtype=dt)


def test_inputs_not_modified(impl, fw):
    """x, gamma and beta are unchanged after the call."""
    rng = np.random.default_rng(8)
    x = rng.standard_normal((3, 6)) * 2.0 + 4.0
    gamma, beta = params(rng, 6)
    args = [fw.array(a) for a in (x, gamma, beta)]
    impl.layer_norm(*args)
    for name, given_, original in zip(("x", "gamma", "beta"), args, (x, gamma, beta)):
        check(bool((fw.to_numpy(given_, what=name) == original).all()), f"the input {name} was modified by the call")


@SETTINGS
@given(
    shape=st.lists(st.integers(1, 4), min_size=0, max_size=2), d=st.integers(1, 9),
    eps=st.sampled_from([1e-5, 1e-3, 0.5]), scale=st.sampled_from([1e-3, 1.0, 100.0]),
    offset=st.sampled_from([0.0, 5.0, -300.0]), seed=st.integers(0, 2**16),
)
def test_matches_plain_loop_definition(impl, fw, shape, d, eps, scale, offset, seed):
    """On random shapes (D = 1 included), eps, scales and offsets (float64), agrees with a plain loop over rows."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((*shape, d)) * scale + offset
    gamma, beta = params(rng, d)
    got, dt = run(impl, fw, x, gamma, beta, eps=eps)
    assert_close(got, loop_reference(x, gamma, beta, eps), dtype=dt, rtol=1e-7, atol=1e-6,
                 what=f"the output for x of shape {(*shape, d)}, eps={eps}")


@pytest.mark.framework("torch")
def test_gradients(impl, fw):
    """torch: gradients reach x, gamma and beta and match the derivatives of the definition."""
    import torch

    rng = np.random.default_rng(9)
    x = rng.standard_normal((2, 3, 6)) * 2.0
    gamma, beta = params(rng, 6)
    w = rng.standard_normal((2, 3, 6))
    mine = [torch.tensor(a, requires_grad=True) for a in (x, gamma, beta)]
    out = impl.layer_norm(*mine)
    check(isinstance(out, torch.Tensor) and out.requires_grad, "the output is not differentiable (detached, or built outside torch)")
    (out * torch.from_numpy(w)).sum().backward()
    for name, t in zip(("x", "gamma", "beta"), mine):
        check(t.grad is not None, f"no gradient reached {name}")
    eps = 1e-5
    mean = x.mean(-1, keepdims=True)
    inv = 1.0 / np.sqrt(((x - mean) ** 2).mean(-1, keepdims=True) + eps)
    x_hat = (x - mean) * inv
    g = w * gamma  # d loss / d x_hat
    dx = inv * (g - g.mean(-1, keepdims=True) - x_hat * (g * x_hat).mean(-1, keepdims=True))
    assert_close(fw.to_numpy(mine[0].grad), dx, what="the gradient with respect to x")
    assert_close(fw.to_numpy(mine[1].grad), (w * x_hat).sum((0, 1)), what="the gradient with respect to gamma")
    assert_close(fw.to_numpy(mine[2].grad), w.sum((0, 1)), what="the gradient with respect to beta")
