"""Hidden suite for `rms_norm`. References follow the LLaMA definition, computed in float64 NumPy."""

import math

import numpy as np
import pytest
from hypothesis import Phase, given, settings, strategies as st

from postprep.drills.harness import assert_close, assert_finite, check

# No shrinking: a wrong answer fails on its first counterexample instead of spending the time limit.
SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=25, phases=(Phase.explicit, Phase.generate))
F32 = {"rtol": 1e-4, "atol": 1e-5}


def reference(x, weight, eps=1e-6):
    """float64: x / sqrt(mean(x^2) + eps) * weight over the last axis."""
    x, weight = (np.asarray(a, dtype=np.float64) for a in (x, weight))
    return x / np.sqrt((x * x).mean(-1, keepdims=True) + eps) * weight


def loop_reference(x, weight, eps):
    """The definition, one row at a time, with Python floats."""
    x = np.asarray(x, dtype=np.float64)
    out = np.zeros_like(x)
    d = x.shape[-1]
    for idx in np.ndindex(*x.shape[:-1]):
        row = [float(v) for v in x[idx]]
        rms = math.sqrt(math.fsum(v * v for v in row) / d + eps)
        out[idx] = [v / rms * float(w) for v, w in zip(row, weight)]
    return out


def lower_precision(a, b):
    order = ["float16", "bfloat16", "float32", "float64"]
    return min(a, b, key=lambda d: order.index(d) if d in order else 3)


def run(impl, fw, x, weight, dtype="float64", eps=None):
    args = [fw.array(a, dtype) for a in (x, weight)]
    out = impl.rms_norm(*args) if eps is None else impl.rms_norm(*args, eps=eps)
    got = fw.to_numpy(out)
    check(got.shape == np.shape(x), f"the output has shape {tuple(got.shape)} for x of shape {np.shape(x)}; expected the same shape")
    return got, lower_precision(dtype, fw.dtype_name(out))


def test_worked_example(impl, fw):
    """The prompt's example: per-feature weight, an all-zero row stays 0, and eps = 0.5."""
    x = np.array([[1.0, 2.0, 3.0, 4.0], [0.0, 0.0, 0.0, 0.0]])
    got, dt = run(impl, fw, x, np.array([1.0, 2.0, 0.5, -1.0]))
    expected = [[0.3651483473268884, 1.4605933893075536, 0.5477225209903326, -1.4605933893075536], [0.0, 0.0, 0.0, 0.0]]
    assert_close(got, expected, dtype=dt)
    got, dt = run(impl, fw, np.array([[3.0, -4.0]]), np.ones(2), eps=0.5)
    assert_close(got, [[3.0 / math.sqrt(13.0), -4.0 / math.sqrt(13.0)]], dtype=dt, what="the output with eps=0.5")


def test_batched_sequence(impl, fw):
    """(B, T, D) input: every row is normalised on its own and matches the definition."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 5, 16)) * 3.0
    weight = 1.0 + 0.5 * rng.standard_normal(16)
    got, dt = run(impl, fw, x, weight)
    assert_close(got, reference(x, weight), dtype=dt)


def test_unit_root_mean_square(impl, fw):
    """With weight = 1, every output row has root mean square sqrt(ms / (ms + eps)), i.e. about 1."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((6, 10)) * rng.uniform(0.1, 50.0, size=(6, 1))
    got, dt = run(impl, fw, x, np.ones(10))
    ms = (x * x).mean(-1)
    assert_close(np.sqrt((got * got).mean(-1)), np.sqrt(ms / (ms + 1e-6)), dtype=dt, what="the root mean square of each output row")


def test_no_centring(impl, fw):
    """Rows with a large mean are not centred: the mean is kept (RMSNorm is not LayerNorm)."""
    rng = np.random.default_rng(2)
    x = rng.standard_normal((4, 8)) + np.array([[5.0], [-3.0], [0.0], [20.0]])
    weight = 1.0 + 0.3 * rng.standard_normal(8)
    got, dt = run(impl, fw, x, weight)
    assert_close(got, reference(x, weight), dtype=dt)


def test_scale_invariance(impl, fw):
    """rms_norm(c * x) matches rms_norm(x) for c = 3, 100, 1e4, and c = -2 flips the sign."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((3, 12))
    weight = 1.0 + 0.5 * rng.standard_normal(12)
    base, dt = run(impl, fw, x, weight)
    for c in (3.0, 100.0, 1e4):
        got, _ = run(impl, fw, c * x, weight)
        assert_close(got, base, dtype=dt, rtol=1e-5, atol=1e-6, what=f"rms_norm({c:g} * x) vs rms_norm(x)")
        assert_close(got, reference(c * x, weight), dtype=dt, what=f"rms_norm({c:g} * x)")
    got, _ = run(impl, fw, -2.0 * x, weight)
    assert_close(got, -reference(2.0 * x, weight), dtype=dt, what="rms_norm(-2 * x) (should be -rms_norm(2 * x))")


def test_eps_inside_the_square_root(impl, fw):
    """Rows whose mean square is near eps: the result uses sqrt(ms + eps), not sqrt(ms) + eps; a zero row gives 0."""
    rng = np.random.default_rng(4)
    x = rng.standard_normal((4, 8)) * np.array([[1e-3], [2e-3], [5e-4], [0.0]])
    weight = 1.0 + 0.5 * rng.standard_normal(8)
    got, dt = run(impl, fw, x, weight)
    assert_finite(got, what="the output for an all-zero row")
    assert_close(got, reference(x, weight), dtype=dt)


def test_eps_argument(impl, fw):
    """The eps argument is used: eps = 0.1 and eps = 1e-10 change the result as the definition says."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((3, 6)) * 0.5
    weight = 1.0 + 0.5 * rng.standard_normal(6)
    for eps in (0.1, 1e-10):
        got, dt = run(impl, fw, x, weight, eps=eps)
        assert_close(got, reference(x, weight, eps), dtype=dt, what=f"the output with eps={eps}")


def test_weight_per_feature(impl, fw):
    """weight scales each feature after normalising (the norm is of x, not of x * weight)."""
    rng = np.random.default_rng(6)
    x = rng.standard_normal((5, 6)) * 2.0
    weight = np.array([0.5, 2.0, -1.0, 3.0, 0.0, 10.0])
    got, dt = run(impl, fw, x, weight)
    assert_close(got, reference(x, weight), dtype=dt)


def test_float32_inputs(impl, fw):
    """float32 inputs are accepted and the result is accurate to float32 precision."""
    rng = np.random.default_rng(7)
    x = (rng.standard_normal((3, 4, 32)) * 20.0).astype(np.float32)
    weight = (1.0 + 0.5 * rng.standard_normal(32)).astype(np.float32)
    got, dt = run(impl, fw, x, weight, dtype="float32")
    assert_close(got, reference(x, weight), dtype=dt, **F32)


def test_float64_inputs_keep_float64_precision(impl, fw):
    """float64 inputs are computed in float64: the result matches the definition to ~1e-10, not float32's ~1e-7."""
    rng = np.random.default_rng(12)
    x = rng.standard_normal((4, 6, 64)) * 7.0
    weight = 1.0 + 0.5 * rng.standard_normal(64)
    out = impl.rms_norm(fw.array(x), fw.array(weight))
    got = fw.to_numpy(out)
    check(got.shape == x.shape, f"the output has shape {tuple(got.shape)} for x of shape {x.shape}; expected the same shape")
    assert_close(got, reference(x, weight), rtol=1e-10, atol=1e-12,
                 what="the float64 output (a float32 computation or result is off by about 1e-7)")


def test_single_row(impl, fw):
    """An unbatched (D,) vector works."""
    rng = np.random.default_rng(8)
    x = rng.standard_normal(9) * 4.0
    weight = 1.0 + 0.5 * rng.standard_normal(9)
    got, dt = run(impl, fw, x, weight)
    assert_close(got, reference(x, weight), dtype=dt)


def test_inputs_not_modified(impl, fw):
    """x and weight are unchanged after the call."""
    rng = np.random.default_rng(9)
    x = rng.standard_normal((3, 6)) * 2.0
    weight = 1.0 + 0.5 * rng.standard_normal(6)
    args = [fw.array(a) for a in (x, weight)]
    impl.rms_norm(*args)
    for name, given_, original in zip(("x", "weight"), args, (x, weight)):
        check(bool((fw.to_numpy(given_, what=name) == original).all()), f"the input {name} was modified by the call")


@SETTINGS
@given(
    shape=st.lists(st.integers(1, 4), min_size=0, max_size=2), d=st.integers(1, 9),
    eps=st.sampled_from([1e-6, 1e-3, 0.5]), scale=st.sampled_from([1e-3, 1.0, 300.0]),
    offset=st.sampled_from([0.0, 2.0, -50.0]), seed=st.integers(0, 2**16),
)
def test_matches_plain_loop_definition(impl, fw, shape, d, eps, scale, offset, seed):
    """On random shapes (D = 1 included), eps, scales and offsets (float64), agrees with a plain loop over rows."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((*shape, d)) * scale + offset
    weight = 1.0 + 0.5 * rng.standard_normal(d)
    got, dt = run(impl, fw, x, weight, eps=eps)
    assert_close(got, loop_reference(x, weight, eps), dtype=dt, what=f"the output for x of shape {(*shape, d)}, eps={eps}")


@pytest.mark.framework("torch")
def test_gradients(impl, fw):
    """torch: gradients reach x and weight and match the derivatives of the definition."""
    import torch

    rng = np.random.default_rng(10)
    x = rng.standard_normal((2, 3, 6)) * 2.0
    weight = 1.0 + 0.5 * rng.standard_normal(6)
    w = rng.standard_normal((2, 3, 6))
    mine = [torch.tensor(a, requires_grad=True) for a in (x, weight)]
    out = impl.rms_norm(*mine)
    check(isinstance(out, torch.Tensor) and out.requires_grad, "the output is not differentiable (detached, or built outside torch)")
    (out * torch.from_numpy(w)).sum().backward()
    for name, t in zip(("x", "weight"), mine):
        check(t.grad is not None, f"no gradient reached {name}")
    r = 1.0 / np.sqrt((x * x).mean(-1, keepdims=True) + 1e-6)
    g = w * weight  # d loss / d (x * r)
    dx = r * g - x * r**3 * (g * x).mean(-1, keepdims=True)
    assert_close(fw.to_numpy(mine[0].grad), dx, what="the gradient with respect to x")
    assert_close(fw.to_numpy(mine[1].grad), (w * x * r).sum((0, 1)), what="the gradient with respect to weight")
