"""Hidden suite for `swiglu_ffn`. Inputs are built in NumPy; references are float64 (NumPy, plain
loops, and a torch expression with torch.sigmoid for gradients)."""

import math

import numpy as np
import pytest
from hypothesis import Phase, given, settings, strategies as st

from postprep.drills.harness import assert_close, assert_finite, check

# No shrinking: a wrong answer fails on its first counterexample instead of spending the time limit.
SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=25, phases=(Phase.explicit, Phase.generate))


def sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def reference(x, w1, v, w2):
    """float64: (SiLU(x w1) * (x v)) w2."""
    x, w1, v, w2 = (np.asarray(a, dtype=np.float64) for a in (x, w1, v, w2))
    a = x @ w1
    return (a * sigmoid(a) * (x @ v)) @ w2


def magnitude(x, w1, v, w2):
    """The size of the terms summed into each output, to scale float32 tolerances."""
    x, w1, v, w2 = (np.asarray(a, dtype=np.float64) for a in (x, w1, v, w2))
    a = x @ w1
    return float(np.max(np.abs(a * sigmoid(a) * (x @ v)) @ np.abs(w2)) + 1.0)


def loop_silu(z):
    return z / (1.0 + math.exp(-z)) if z >= 0 else z * math.exp(z) / (1.0 + math.exp(z))


def loop_reference(x, w1, v, w2):
    """The definition, one position and one unit at a time, with Python floats."""
    x = np.asarray(x, dtype=np.float64)
    d_model, d_ff = w1.shape
    out = np.zeros(x.shape[:-1] + (w2.shape[1],))
    for idx in np.ndindex(*x.shape[:-1]):
        h = []
        for j in range(d_ff):
            a = sum(float(x[idx][i]) * float(w1[i, j]) for i in range(d_model))
            b = sum(float(x[idx][i]) * float(v[i, j]) for i in range(d_model))
            h.append(loop_silu(a) * b)
        out[idx] = [sum(h[j] * float(w2[j, k]) for j in range(d_ff)) for k in range(w2.shape[1])]
    return out


def lower_precision(a, b):
    order = ["float16", "bfloat16", "float32", "float64"]
    return min(a, b, key=lambda d: order.index(d) if d in order else 3)


def run(impl, fw, x, w1, v, w2, dtype="float64"):
    out = impl.swiglu_ffn(*(fw.array(a, dtype) for a in (x, w1, v, w2)))
    got = fw.to_numpy(out)
    expected_shape = np.shape(x)[:-1] + (np.shape(w2)[1],)
    check(got.shape == expected_shape, f"the output has shape {tuple(got.shape)}; expected {expected_shape}")
    return got, lower_precision(dtype, fw.dtype_name(out))


def weights(rng, d_model, d_ff, gate_scale=1.0):
    s = 1.0 / math.sqrt(d_model)
    return (rng.standard_normal((d_model, d_ff)) * s * gate_scale, rng.standard_normal((d_model, d_ff)) * s,
            rng.standard_normal((d_ff, d_model)) / math.sqrt(d_ff))


def test_worked_example(impl, fw):
    """The prompt's example: two positions, d_model = 2, d_ff = 3."""
    x = np.array([[1.0, -1.0], [0.5, 2.0]])
    w1 = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, -1.0]])
    v = np.array([[1.0, 1.0, 0.0], [0.0, 2.0, 1.0]])
    w2 = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    got, dt = run(impl, fw, x, w1, v, w2)
    assert_close(got, [[-2.126663797955063, -2.5887809587883757], [-0.38226801015826464, 7.389290859416233]], dtype=dt)


def test_batched_sequence(impl, fw):
    """(B, T, d_model) input with d_ff = 4 * d_model: matches the definition position by position."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 5, 8))
    w1, v, w2 = weights(rng, 8, 32)
    got, dt = run(impl, fw, x, w1, v, w2)
    assert_close(got, reference(x, w1, v, w2), dtype=dt)


def test_single_position(impl, fw):
    """An unbatched (d_model,) vector gives a (d_model,) output."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal(6)
    w1, v, w2 = weights(rng, 6, 10)
    got, dt = run(impl, fw, x, w1, v, w2)
    assert_close(got, reference(x, w1, v, w2), dtype=dt)


def test_rectangular_shapes(impl, fw):
    """d_ff smaller than d_model also works: w1 and v are (d_model, d_ff), w2 is (d_ff, d_model), no transposes."""
    rng = np.random.default_rng(2)
    x = rng.standard_normal((3, 7))
    w1, v, w2 = weights(rng, 7, 3)
    got, dt = run(impl, fw, x, w1, v, w2)
    assert_close(got, reference(x, w1, v, w2), dtype=dt)


def test_silu_is_on_the_gate_branch(impl, fw):
    """SiLU applies to x @ w1 only: swapping w1 and v changes the output as the definition says."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((4, 5)) * 2.0
    w1, v, w2 = weights(rng, 5, 6)
    got, dt = run(impl, fw, x, w1, v, w2)
    assert_close(got, reference(x, w1, v, w2), dtype=dt, what="the output")
    swapped, _ = run(impl, fw, x, v, w1, w2)
    assert_close(swapped, reference(x, v, w1, w2), dtype=dt, what="the output with w1 and v swapped")


def test_gate_closed_for_very_negative_preactivations(impl, fw):
    """When x @ w1 is very negative, SiLU is ~0 and the output is ~0, whatever v holds."""
    rng = np.random.default_rng(4)
    x = np.abs(rng.standard_normal((3, 4))) + 0.5
    w1 = -np.abs(rng.standard_normal((4, 5))) * 50.0 - 20.0
    v = rng.standard_normal((4, 5)) * 10.0
    w2 = rng.standard_normal((5, 4))
    got, dt = run(impl, fw, x, w1, v, w2)
    assert_finite(got)
    assert_close(got, np.zeros((3, 4)), dtype=dt, what="the output when every gate pre-activation is very negative")


def test_silu_values(impl, fw):
    """SiLU(z) = z * sigmoid(z) at z = -2, -0.5, 0, 0.5, 2 (not ReLU, not sigmoid, not GELU)."""
    z = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    x = np.array([[1.0]])
    w1 = z[None, :]
    v = np.ones((1, 5))
    w2 = np.ones((5, 1))  # the output is the sum of SiLU(z)
    for j in range(5):
        e = np.zeros((5, 1))
        e[j] = 1.0
        got, dt = run(impl, fw, x, w1, v, e)
        assert_close(got, [[z[j] / (1.0 + math.exp(-z[j]))]], dtype=dt, what=f"SiLU({z[j]:g}) (through the block)")
    got, dt = run(impl, fw, x, w1, v, w2)
    assert_close(got, reference(x, w1, v, w2), dtype=dt)


def test_large_preactivations(impl, fw):
    """Gate pre-activations of magnitude ~1000 (both signs), float64 and float32: finite and correct."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((4, 6))
    w1 = rng.standard_normal((6, 8)) * 400.0
    _, v, w2 = weights(rng, 6, 8)
    a = x @ w1
    check(bool(np.abs(a).max() > 700), "internal: the test should produce large pre-activations")
    for dtype in ("float64", "float32"):
        args = [np.asarray(t, dtype=dtype) for t in (x, w1, v, w2)]
        got, dt = run(impl, fw, *args, dtype=dtype)
        assert_finite(got, what=f"the output for pre-activations of magnitude ~1000 ({dtype})")
        tol = {} if dt == "float64" else {"rtol": 1e-4, "atol": 1e-5 * magnitude(*args)}
        assert_close(got, reference(*args), dtype=dt, what=f"the output for pre-activations of magnitude ~1000 ({dtype})", **tol)


def test_float32_inputs(impl, fw):
    """float32 inputs are accepted and the result is accurate to float32 precision."""
    rng = np.random.default_rng(6)
    args = [np.asarray(t, dtype=np.float32) for t in (rng.standard_normal((3, 4, 16)), *weights(rng, 16, 24))]
    got, dt = run(impl, fw, *args, dtype="float32")
    assert_close(got, reference(*args), dtype=dt, rtol=1e-4, atol=1e-5 * magnitude(*args))


def test_float64_inputs_keep_float64_precision(impl, fw):
    """float64 inputs are computed in float64: the result matches the definition to ~1e-10, not float32's ~1e-7."""
    rng = np.random.default_rng(12)
    args = [rng.standard_normal((3, 5, 32)) * 2.0, *weights(rng, 32, 96)]
    got, _ = run(impl, fw, *args)
    assert_close(got, reference(*args), rtol=1e-10, atol=1e-11 * magnitude(*args),
                 what="the float64 output (a float32 computation or result is off by about 1e-7)")


def test_inputs_not_modified(impl, fw):
    """x, w1, v and w2 are unchanged after the call."""
    rng = np.random.default_rng(7)
    originals = [rng.standard_normal((2, 3, 4)), *weights(rng, 4, 6)]
    args = [fw.array(a) for a in originals]
    impl.swiglu_ffn(*args)
    for name, given_, original in zip(("x", "w1", "v", "w2"), args, originals):
        check(bool((fw.to_numpy(given_, what=name) == original).all()), f"the input {name} was modified by the call")


@SETTINGS
@given(
    lead=st.lists(st.integers(1, 3), min_size=0, max_size=2), d_model=st.integers(1, 5), d_ff=st.integers(1, 6),
    gate_scale=st.sampled_from([0.1, 1.0, 300.0]), seed=st.integers(0, 2**16),
)
def test_matches_plain_loop_definition(impl, fw, lead, d_model, d_ff, gate_scale, seed):
    """On random shapes and gate scales (float64), agrees with a plain loop over positions and units."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((*lead, d_model))
    w1, v, w2 = weights(rng, d_model, d_ff, gate_scale)
    got, dt = run(impl, fw, x, w1, v, w2)
    assert_close(got, loop_reference(x, w1, v, w2), dtype=dt, rtol=1e-7, atol=1e-7 * magnitude(x, w1, v, w2),
                 what=f"the output for x of shape {(*lead, d_model)}, d_ff={d_ff}")


@pytest.mark.framework("torch")
def test_gradients(impl, fw):
    """torch: gradients reach x, w1, v and w2, equal autograd through the definition, and stay finite for huge pre-activations."""
    import torch

    rng = np.random.default_rng(8)
    x = rng.standard_normal((2, 3, 5))
    for gate_scale in (1.0, 500.0):
        w1, v, w2 = weights(rng, 5, 7, gate_scale)
        upstream = torch.from_numpy(rng.standard_normal((2, 3, 5)))
        mine = [torch.tensor(a, requires_grad=True) for a in (x, w1, v, w2)]
        theirs = [torch.tensor(a, requires_grad=True) for a in (x, w1, v, w2)]
        out = impl.swiglu_ffn(*mine)
        check(isinstance(out, torch.Tensor) and out.requires_grad, "the output is not differentiable (detached, or built outside torch)")
        (out * upstream).sum().backward()
        tx, tw1, tv, tw2 = theirs
        a = tx @ tw1
        ((a * torch.sigmoid(a) * (tx @ tv)) @ tw2 * upstream).sum().backward()
        for name, m, t in zip(("x", "w1", "v", "w2"), mine, theirs):
            check(m.grad is not None, f"no gradient reached {name}")
            what = f"the gradient with respect to {name}" + (" (pre-activations ~1000)" if gate_scale > 1 else "")
            assert_finite(fw.to_numpy(m.grad), what=what)
            assert_close(fw.to_numpy(m.grad), t.grad.numpy(), what=what, atol=1e-7 * max(1.0, float(t.grad.abs().max())))
