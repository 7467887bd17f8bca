"""Hidden suite for `softmax`. Inputs are built in NumPy and handed over in the user's framework."""

import math
import sys

import numpy as np
import pytest
from hypothesis import Phase, given, settings, strategies as st

from postprep.drills.harness import assert_close, assert_finite, check, fail

# No shrinking: a wrong answer fails on its first counterexample instead of spending the time limit.
SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=25, phases=(Phase.explicit, Phase.generate))
F32 = {"rtol": 1e-4, "atol": 1e-6}


class ForbiddenBuiltin(Exception):
    pass


def _guard_tensor_methods():
    """The grader's run-time guards cover module functions only, not Tensor methods reached through
    getattr (the static check catches `x.softmax(...)` written out): stub them here, before the
    candidate is imported. torch is in sys.modules exactly when the user's framework is torch."""
    torch = sys.modules.get("torch")
    if torch is None:
        return
    for name in ("softmax", "log_softmax"):
        def stub(*args, _name=name, **kwargs):
            raise ForbiddenBuiltin(f"torch.Tensor.{_name} is not allowed in this drill; write the softmax yourself")

        setattr(torch.Tensor, name, stub)


_guard_tensor_methods()


def reference(x, axis=-1, temperature=1.0):
    """float64 softmax of x / T along axis."""
    z = np.asarray(x, dtype=np.float64) / temperature
    z = z - z.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


def loop_reference(x, axis, temperature):
    """The definition, one slice at a time, with Python floats."""
    moved = np.moveaxis(np.asarray(x, dtype=np.float64), axis, -1)
    out = np.zeros_like(moved)
    for idx in np.ndindex(*moved.shape[:-1]):
        row = [float(v) / temperature for v in moved[idx]]
        top = max(row)
        w = [math.exp(v - top) for v in row]
        z = sum(w)
        out[idx] = [v / z for v in w]
    return np.moveaxis(out, -1, axis)


def lower_precision(a, b):
    order = ["float16", "bfloat16", "float32", "float64"]
    return min(a, b, key=lambda d: order.index(d) if d in order else 3)


def run(impl, fw, x, dtype="float64", **kwargs):
    """The user's output as float64 NumPy, and the precision to compare it at."""
    out = impl.softmax(fw.array(x, dtype), **kwargs)
    got = fw.to_numpy(out)
    check(got.shape == np.shape(x), f"the output has shape {tuple(got.shape)} for an input of shape {np.shape(x)}; expected the same shape")
    return got, lower_precision(dtype, fw.dtype_name(out))


def test_worked_examples(impl, fw):
    """The prompt's examples: default temperature, T = 2, T = 0.5, a -inf entry and huge logits."""
    x = np.array([1.0, 2.0, 3.0])
    for kwargs, expected in (
        ({}, [0.09003057317038046, 0.24472847105479764, 0.6652409557748219]),
        ({"temperature": 2.0}, [0.1863237232258476, 0.3071958857184559, 0.5064803910556965]),
        ({"temperature": 0.5}, [0.015876239976466765, 0.11731042782619837, 0.8668133321973349]),
    ):
        got, dt = run(impl, fw, x, **kwargs)
        assert_close(got, expected, dtype=dt, what=f"softmax([1, 2, 3], {', '.join(f'{k}={v}' for k, v in kwargs.items())})")
    got, dt = run(impl, fw, np.array([1.0, -np.inf, 3.0]))
    assert_close(got, [0.11920292202211755, 0.0, 0.8807970779778823], dtype=dt, what="softmax([1, -inf, 3])")
    got, dt = run(impl, fw, np.array([1e4, 1e4 - 1, -1e4]))
    assert_close(got, [0.7310585786300049, 0.2689414213699951, 0.0], dtype=dt, what="softmax([1e4, 1e4 - 1, -1e4])")


def test_slices_are_distributions(impl, fw):
    """Batched (B, T, V) input, last axis: every row is positive and sums to 1, and matches the definition."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 4, 7)) * 3.0
    got, dt = run(impl, fw, x)
    check(bool((got > 0).all()), "some probabilities are <= 0 for finite logits")
    assert_close(got.sum(axis=-1), np.ones((3, 4)), dtype=dt, what="the sum of each row")
    assert_close(got, reference(x), dtype=dt)


def test_other_axes(impl, fw):
    """axis = 0, 1 and -2 on a 3-D input: each slice along that axis sums to 1."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, 5, 6)) * 2.0
    for axis in (0, 1, -2, 2):
        got, dt = run(impl, fw, x, axis=axis)
        assert_close(got.sum(axis=axis), np.ones(np.delete(x.shape, axis % 3)), dtype=dt, what=f"the sums along axis={axis}")
        assert_close(got, reference(x, axis=axis), dtype=dt, what=f"the output with axis={axis}")


def test_square_input_axis_0(impl, fw):
    """A square matrix with axis = 0: columns are normalised, not rows (the prompt's example and a random one)."""
    got, dt = run(impl, fw, np.array([[1.0, 5.0], [3.0, 5.0]]), axis=0)
    assert_close(got, [[0.11920292202211755, 0.5], [0.8807970779778823, 0.5]], dtype=dt, what="softmax([[1, 5], [3, 5]], axis=0)")
    rng = np.random.default_rng(2)
    x = rng.standard_normal((5, 5)) * 2.0
    got, dt = run(impl, fw, x, axis=0)
    assert_close(got, reference(x, axis=0), dtype=dt, what="softmax of a 5x5 matrix with axis=0")


def test_temperature_divides_the_logits(impl, fw):
    """softmax(x, temperature=T) equals softmax(x / T) for several T, and the default is T = 1."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((4, 9)) * 2.0
    got, dt = run(impl, fw, x)
    assert_close(got, reference(x), dtype=dt, what="the output with the default temperature")
    for t in (0.1, 0.7, 1.0, 3.0, 25.0):
        got, dt = run(impl, fw, x, temperature=t)
        assert_close(got, reference(x, temperature=t), dtype=dt, what=f"the output with temperature={t}")


def test_temperature_limits(impl, fw):
    """A high temperature gives nearly uniform rows; a low one puts nearly all mass on the argmax."""
    x = np.array([[0.0, 1.0, 2.0, 3.0], [2.5, -1.0, 0.5, 2.0]])
    got, dt = run(impl, fw, x, temperature=1e4)
    assert_close(got, np.full((2, 4), 0.25), dtype=dt, atol=1e-3, rtol=0, what="the output with temperature=1e4 (nearly uniform)")
    got, dt = run(impl, fw, x, temperature=1e-3)
    onehot = np.array([[0.0, 0.0, 0.0, 1.0], [1.0, 0.0, 0.0, 0.0]])
    assert_close(got, onehot, dtype=dt, what="the output with temperature=1e-3 (one-hot on the argmax)")


def test_nonpositive_temperature_raises(impl, fw):
    """temperature = 0 or negative raises ValueError."""
    x = np.array([[1.0, 2.0, 3.0]])
    for t in (0.0, -1.0, -0.5):
        try:
            impl.softmax(fw.array(x), temperature=t)
        except ValueError:
            continue
        except Exception as exc:  # noqa: BLE001 - the wrong exception type is the user's bug
            fail(f"temperature={t} raised {type(exc).__name__}; expected ValueError")
        fail(f"temperature={t} did not raise ValueError")


def test_shift_invariance_per_slice(impl, fw):
    """Adding a different large constant to each row (e.g. +3000 and -3000) does not change the output."""
    rng = np.random.default_rng(4)
    x = rng.standard_normal((4, 6)) * 2.0
    shifts = np.array([[0.0], [3000.0], [-3000.0], [800.0]])
    base, dt = run(impl, fw, x)
    shifted, _ = run(impl, fw, x + shifts)
    assert_finite(shifted, what="the output for shifted rows")
    assert_close(shifted, base, dtype=dt, rtol=1e-6, atol=1e-9, what="the output after adding a per-row constant")


def test_huge_logits_are_stable(impl, fw):
    """Logits of magnitude 1e4, float64 and float32, T = 1 and T = 0.5: finite and exact."""
    x = np.array([[1e4, 1e4 - 2.0, 1e4 - 0.5, -1e4], [-1e4, -1e4 + 1.0, -1e4 + 3.0, -1e4 + 0.25]])
    for dtype in ("float64", "float32"):
        for t in (1.0, 0.5):
            got, dt = run(impl, fw, x, dtype=dtype, temperature=t)
            assert_finite(got, what=f"the output for logits of magnitude 1e4 ({dtype}, T = {t})")
            ref = reference(np.asarray(x, dtype=dtype), temperature=t)
            # float32 at 1e4: a log-sum-exp rounds to ulp(1e4) ~ 1e-3, a relative error of ~5e-4
            tol = {"rtol": 2e-3, "atol": 1e-5} if dt == "float32" else {}
            assert_close(got, ref, dtype=dt, what=f"the output for logits of magnitude 1e4 ({dtype}, T = {t})", **tol)


def test_small_temperature_is_stable(impl, fw):
    """Moderate logits with a small temperature (x / T in the thousands) stay finite and exact."""
    rng = np.random.default_rng(5)
    x = rng.uniform(-100.0, 100.0, size=(3, 8))
    x[:, 1] = x[:, 0] - 0.01  # a close runner-up: x / T differs by 1 from the top at T = 0.01
    x[:, 0] = x.max(axis=1) + 0.02
    got, dt = run(impl, fw, x, temperature=0.01)
    assert_finite(got, what="the output with T = 0.01")
    assert_close(got, reference(x, temperature=0.01), dtype=dt)


def test_neg_inf_entries_get_zero(impl, fw):
    """-inf logits get probability exactly 0, the rest renormalise; a row with one finite entry gives 1."""
    x = np.array([[0.5, -np.inf, 1.5, -np.inf], [-np.inf, -np.inf, 7.0, -np.inf], [2.0, 1.0, -np.inf, 0.0]])
    for t in (1.0, 0.3):
        got, dt = run(impl, fw, x, temperature=t)
        assert_finite(got, what=f"the output with -inf entries (T = {t})")
        check(bool((got[np.isinf(x)] == 0).all()), f"a -inf logit did not get probability exactly 0 (T = {t})")
        assert_close(got, reference(x, temperature=t), dtype=dt, what=f"the output with -inf entries (T = {t})")


def test_float32_inputs(impl, fw):
    """float32 inputs are accepted and the result is accurate to float32 precision."""
    rng = np.random.default_rng(6)
    x = (rng.standard_normal((5, 11)) * 4.0).astype(np.float32)
    for t in (1.0, 0.7):
        got, dt = run(impl, fw, x, dtype="float32", temperature=t)
        assert_close(got, reference(x, temperature=t), dtype=dt, what=f"the float32 output (T = {t})", **F32)


def test_float64_inputs_keep_float64_precision(impl, fw):
    """float64 inputs are computed in float64: the result matches the definition to ~1e-10, not float32's ~1e-7."""
    rng = np.random.default_rng(12)
    x = rng.standard_normal((6, 40)) * 5.0
    for t in (1.0, 0.3):
        got, _ = run(impl, fw, x, temperature=t)
        assert_close(got, reference(x, temperature=t), rtol=1e-10, atol=1e-14,
                     what=f"the float64 output (T = {t}; a float32 computation or result is off by about 1e-7)")


def test_one_dimensional_and_single_entry(impl, fw):
    """A 1-D vector works, and a slice of length 1 gives probability 1."""
    rng = np.random.default_rng(7)
    x = rng.standard_normal(10)
    got, dt = run(impl, fw, x, temperature=1.5)
    assert_close(got, reference(x, temperature=1.5), dtype=dt, what="the output for a 1-D input")
    got, dt = run(impl, fw, np.array([[3.0], [-2.0]]))
    assert_close(got, [[1.0], [1.0]], dtype=dt, what="the output for slices of length 1")


def test_input_not_modified(impl, fw):
    """x is unchanged after the call (float64 and float32, with a temperature)."""
    rng = np.random.default_rng(8)
    x = rng.standard_normal((3, 5)) * 3.0
    x[0, 2] = -np.inf
    for dtype in ("float64", "float32"):
        given_ = fw.array(x, dtype)
        impl.softmax(given_, axis=0, temperature=0.5)
        after = fw.to_numpy(given_, what="x")
        same = (after == np.asarray(x, dtype=dtype).astype(np.float64)).all()
        check(bool(same), f"the input x ({dtype}) was modified by the call")


@SETTINGS
@given(
    shape=st.lists(st.integers(1, 5), min_size=1, max_size=3),
    axis_pick=st.integers(0, 5),
    negative=st.booleans(),
    temperature=st.sampled_from([0.05, 0.3, 1.0, 2.0, 10.0]),
    scale=st.sampled_from([0.1, 3.0, 50.0]),
    seed=st.integers(0, 2**16),
)
def test_matches_plain_loop_definition(impl, fw, shape, axis_pick, negative, temperature, scale, seed):
    """On random shapes, axes, temperatures and scales (float64), agrees with a plain loop over slices."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape) * scale
    axis = axis_pick % len(shape)
    if negative:
        axis -= len(shape)
    got, dt = run(impl, fw, x, axis=axis, temperature=temperature)
    assert_close(got, loop_reference(x, axis, temperature), dtype=dt, what=f"the output for shape {tuple(shape)}, axis={axis}, T={temperature}")


@pytest.mark.framework("torch")
def test_gradients(impl, fw):
    """torch: the gradient reaches x and equals s * (w - sum(s * w)) / T for a weighted sum of the output."""
    import torch

    rng = np.random.default_rng(9)
    x = rng.standard_normal((3, 4, 5))
    w = rng.standard_normal((3, 4, 5))
    for axis, t in ((-1, 1.0), (1, 0.5)):
        xt = torch.tensor(x, requires_grad=True)
        out = impl.softmax(xt, axis=axis, temperature=t)
        check(isinstance(out, torch.Tensor) and out.requires_grad, "the output is not differentiable (detached, or built outside torch)")
        (out * torch.from_numpy(w)).sum().backward()
        check(xt.grad is not None, "no gradient reached x")
        s = reference(x, axis=axis, temperature=t)
        expected = s * (w - (s * w).sum(axis=axis, keepdims=True)) / t
        assert_close(fw.to_numpy(xt.grad), expected, what=f"the gradient with respect to x (axis={axis}, T={t})")
