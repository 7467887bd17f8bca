"""Hidden suite for `rope`. Inputs are built in NumPy and handed over in the user's framework."""

import math

import numpy as np
import pytest
from hypothesis import Phase, given, settings, strategies as st

from postprep.drills.harness import assert_close, check, fail

SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=15,
                    phases=(Phase.explicit, Phase.generate))  # no shrinking: a failure is reported at once
CONVENTIONS = ("interleaved", "half")
# float32: the angles m * theta and the products round at ~1e-7 relative; positions stay below 128 there.
F32 = {"rtol": 1e-4, "atol": 1e-4}


def pairs(d, convention):
    """The (a, b) feature indices rotated together, pair i first."""
    if convention == "interleaved":
        return [(2 * i, 2 * i + 1) for i in range(d // 2)]
    return [(i, i + d // 2) for i in range(d // 2)]


def loop_reference(x, convention, positions=None, base=10000.0):
    """The definition in float64, one pair at a time (each pair over every vector at once)."""
    x = np.asarray(x, dtype=np.float64)
    T, d = x.shape[-2], x.shape[-1]
    m = np.arange(T, dtype=np.float64) if positions is None else np.asarray(positions, dtype=np.float64)
    out = np.empty_like(x)
    for i, (a, b) in enumerate(pairs(d, convention)):
        angle = m * base ** (-2.0 * i / d)  # (T,)
        c, s = np.cos(angle)[:, None], np.sin(angle)[:, None]
        xa, xb = x[..., a : a + 1], x[..., b : b + 1]
        out[..., a : a + 1] = xa * c - xb * s
        out[..., b : b + 1] = xa * s + xb * c
    return out


def lower_precision(a, b):
    order = ["float16", "bfloat16", "float32", "float64"]
    return min(a, b, key=lambda d: order.index(d) if d in order else 3)


def run(impl, fw, x, convention, positions=None, base=None, dtype="float64"):
    kwargs = {}
    if positions is not None:
        kwargs["positions"] = fw.array(np.asarray(positions), "int64")
    if base is not None:
        kwargs["base"] = base
    out = impl.rope(fw.array(x, dtype), convention, **kwargs)
    got = fw.to_numpy(out)
    check(got.shape == x.shape, f"the output has shape {tuple(got.shape)} for x of shape {x.shape}; expected {x.shape}")
    return got, lower_precision(dtype, fw.dtype_name(out))


def test_worked_example(impl, fw):
    """The prompt's worked example: x = [1, 2, 3, 4] at positions 0, 1, 2, in both conventions."""
    x = np.tile([1.0, 2.0, 3.0, 4.0], (3, 1))
    c1, s1, c2, s2 = math.cos(1), math.sin(1), math.cos(2), math.sin(2)
    c3, s3, c4, s4 = math.cos(0.01), math.sin(0.01), math.cos(0.02), math.sin(0.02)
    interleaved = [[1, 2, 3, 4],
                   [c1 - 2 * s1, s1 + 2 * c1, 3 * c3 - 4 * s3, 3 * s3 + 4 * c3],
                   [c2 - 2 * s2, s2 + 2 * c2, 3 * c4 - 4 * s4, 3 * s4 + 4 * c4]]
    half = [[1, 2, 3, 4],
            [c1 - 3 * s1, 2 * c3 - 4 * s3, s1 + 3 * c1, 2 * s3 + 4 * c3],
            [c2 - 3 * s2, 2 * c4 - 4 * s4, s2 + 3 * c2, 2 * s4 + 4 * c4]]
    got, dt = run(impl, fw, x, "interleaved")
    assert_close(got, interleaved, dtype=dt, what='the "interleaved" output')
    got, dt = run(impl, fw, x, "half")
    assert_close(got, half, dtype=dt, what='the "half" output')


@pytest.mark.parametrize("convention", CONVENTIONS)
def test_matches_loop_spec(impl, fw, convention):
    """(B, H, T, d) input: each convention matches its pair-by-pair definition (float64)."""
    rng = np.random.default_rng(0 if convention == "half" else 1)
    x = rng.standard_normal((2, 3, 7, 16))
    got, dt = run(impl, fw, x, convention)
    assert_close(got, loop_reference(x, convention), dtype=dt)


def test_position_zero_is_identity(impl, fw):
    """At position 0 every angle is 0: the vector comes back unchanged, in both conventions."""
    rng = np.random.default_rng(2)
    x = rng.standard_normal((3, 1, 8))
    for convention in CONVENTIONS:
        got, dt = run(impl, fw, x, convention)
        assert_close(got, x, dtype=dt, what=f"the {convention!r} output at position 0")
        got, dt = run(impl, fw, x[0, :, :], convention, positions=[0])
        assert_close(got, x[0], dtype=dt, what=f"the {convention!r} output with positions=[0]")


def test_norm_of_each_pair_is_preserved(impl, fw):
    """A rotation keeps lengths: the norm of every rotated pair (and of each vector) is unchanged."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((5, 12)) * 3.0
    positions = np.array([0, 1, 7, 100, 4097])
    for convention in CONVENTIONS:
        got, dt = run(impl, fw, x, convention, positions=positions)
        a, b = (np.array(ix) for ix in zip(*pairs(12, convention)))
        assert_close(np.hypot(got[:, a], got[:, b]), np.hypot(x[:, a], x[:, b]), dtype=dt,
                     what=f"the norms of the rotated pairs ({convention!r})")
        assert_close(np.linalg.norm(got, axis=-1), np.linalg.norm(x, axis=-1), dtype=dt,
                     what=f"the norm of each vector ({convention!r})")


def test_scores_depend_only_on_relative_position(impl, fw):
    """rope(q, m) . rope(k, n) depends only on m - n: shifting every position by the same amount keeps all scores."""
    rng = np.random.default_rng(4)
    q, k = rng.standard_normal((6, 16)), rng.standard_normal((6, 16))
    positions = np.array([0, 3, 4, 9, 17, 30])
    for convention in CONVENTIONS:
        rq, dt = run(impl, fw, q, convention, positions=positions)
        rk, _ = run(impl, fw, k, convention, positions=positions)
        for shift in (1, 250, 5000):
            sq, _ = run(impl, fw, q, convention, positions=positions + shift)
            sk, _ = run(impl, fw, k, convention, positions=positions + shift)
            assert_close(sq @ sk.T, rq @ rk.T, dtype=dt,
                         what=f"the scores q.k after shifting every position by {shift} ({convention!r})")


def test_conventions_differ_by_a_feature_permutation(impl, fw):
    """The conventions differ, and "half" equals "interleaved" applied to the features reordered as (x0, x_{d/2}, x1, ...)."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 5, 10))
    half, dt = run(impl, fw, x, "half")
    inter, _ = run(impl, fw, x, "interleaved")
    check(float(np.abs(half - inter).max()) > 1e-2, 'the "half" and "interleaved" outputs are the same; they must differ')
    order = np.array([j for i in range(5) for j in (i, i + 5)])  # interleaved slot 2i <- i, 2i+1 <- i + d/2
    inter_perm, _ = run(impl, fw, x[..., order], "interleaved")
    back = np.empty_like(inter_perm)
    back[..., order] = inter_perm
    assert_close(half, back, dtype=dt, what='"half", compared with "interleaved" on reordered features')


def test_explicit_positions_for_decoding(impl, fw):
    """positions=[T-1] on the last token alone gives row T-1 of the full call (decoding with an offset)."""
    rng = np.random.default_rng(6)
    x = rng.standard_normal((2, 9, 8))
    for convention in CONVENTIONS:
        full, dt = run(impl, fw, x, convention)
        last, _ = run(impl, fw, x[:, -1:], convention, positions=[8])
        assert_close(last, full[:, -1:], dtype=dt, what=f"the last token alone with positions=[8] ({convention!r})")
        some, _ = run(impl, fw, x[:, 3:6], convention, positions=[3, 4, 5])
        assert_close(some, full[:, 3:6], dtype=dt, what=f"tokens 3:6 with positions=[3, 4, 5] ({convention!r})")


def test_base_argument(impl, fw):
    """base sets theta_i = base^(-2i/d): the default is 10000, and base=500000 follows the same formula."""
    rng = np.random.default_rng(7)
    x = rng.standard_normal((4, 8))
    positions = np.array([1, 10, 100, 1000])
    for convention in CONVENTIONS:
        got, dt = run(impl, fw, x, convention, positions=positions)
        assert_close(got, loop_reference(x, convention, positions), dtype=dt, what=f"the output with the default base ({convention!r})")
        got, dt = run(impl, fw, x, convention, positions=positions, base=500000.0)
        assert_close(got, loop_reference(x, convention, positions, 500000.0), dtype=dt,
                     what=f"the output with base=500000 ({convention!r})")


def test_large_positions_float64(impl, fw):
    """Positions up to 100000 in float64 are exact to float64 precision (the angles are computed in float64)."""
    rng = np.random.default_rng(8)
    x = rng.standard_normal((4, 6))
    positions = np.array([12345, 40000, 65535, 100000])
    for convention in CONVENTIONS:
        got, dt = run(impl, fw, x, convention, positions=positions)
        assert_close(got, loop_reference(x, convention, positions), dtype=dt, rtol=1e-7, atol=1e-9,
                     what=f"the output at large positions ({convention!r})")


def test_float64_inputs_keep_float64_precision(impl, fw):
    """float64 input is rotated in float64: the result matches the definition to ~1e-10, not float32's ~1e-7."""
    rng = np.random.default_rng(14)
    x = rng.standard_normal((2, 3, 16, 64)) * 3.0
    for convention in CONVENTIONS:
        got, _ = run(impl, fw, x, convention)
        assert_close(got, loop_reference(x, convention), rtol=1e-10, atol=1e-12,
                     what=f"the float64 output ({convention!r}; a rotation in float32 is off by about 1e-7)")


def test_float32_inputs(impl, fw):
    """float32 inputs are accepted, return float32, and are accurate to float32 precision."""
    rng = np.random.default_rng(9)
    x = rng.standard_normal((2, 20, 32)).astype(np.float32)
    for convention in CONVENTIONS:
        out_dtype = fw.dtype_name(impl.rope(fw.array(x, "float32"), convention))
        check(out_dtype == "float32", f"float32 input gave a {out_dtype} output; expected float32")
        got, dt = run(impl, fw, x, convention, dtype="float32")
        assert_close(got, loop_reference(x, convention), dtype=dt, what=f"the float32 output ({convention!r})", **F32)


def test_float32_inputs_at_large_positions(impl, fw):
    """float32 input at positions up to 100000 is still accurate to float32 precision (angles built in float64)."""
    rng = np.random.default_rng(13)
    x = rng.standard_normal((4, 16)).astype(np.float32)
    positions = np.array([12345, 40001, 65535, 100000])
    for convention in CONVENTIONS:
        got, dt = run(impl, fw, x, convention, positions=positions, dtype="float32")
        assert_close(got, loop_reference(x, convention, positions), dtype=dt,
                     what=f"the float32 output at large positions ({convention!r}); angles rounded to float32 "
                          "are off by about m * 1e-7 radians", **F32)


def test_invalid_arguments_raise_value_error(impl, fw):
    """An odd feature size d, or a convention other than "interleaved" / "half", raises ValueError."""
    rng = np.random.default_rng(10)
    cases = [(rng.standard_normal((3, 5)), "interleaved", "d=5 (odd), 'interleaved'"),
             (rng.standard_normal((3, 7)), "half", "d=7 (odd), 'half'"),
             (rng.standard_normal((3, 1)), "half", "d=1 (odd), 'half'"),
             (rng.standard_normal((3, 4)), "neox", "convention='neox'")]
    for x, convention, label in cases:
        try:
            impl.rope(fw.array(x), convention)
        except ValueError:
            continue
        except Exception as exc:  # noqa: BLE001 - the wrong kind of error is the finding
            fail(f"rope with {label} raised {type(exc).__name__}: {exc}; expected ValueError")
        fail(f"rope with {label} returned without raising ValueError")


def test_inputs_not_modified(impl, fw):
    """x and positions are unchanged after the call."""
    rng = np.random.default_rng(11)
    x = rng.standard_normal((2, 4, 8))
    positions = np.array([5, 6, 7, 8])
    for convention in CONVENTIONS:
        given_x, given_p = fw.array(x), fw.array(positions, "int64")
        impl.rope(given_x, convention, positions=given_p)
        assert_close(fw.to_numpy(given_x, what="x"), x, what=f"input x after the call ({convention!r})")
        assert_close(fw.to_numpy(given_p, what="positions"), positions, what=f"positions after the call ({convention!r})")


@SETTINGS
@given(
    lead=st.lists(st.integers(1, 3), min_size=0, max_size=2), t=st.integers(1, 6), half_d=st.integers(1, 6),
    convention=st.sampled_from(CONVENTIONS), offset=st.integers(0, 3000), seed=st.integers(0, 2**16),
)
def test_matches_loop_spec_random_shapes(impl, fw, lead, t, half_d, convention, offset, seed):
    """On many random shapes, offsets and both conventions, agrees with the pair-by-pair definition."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((*lead, t, 2 * half_d))
    positions = offset + np.arange(t)
    got, dt = run(impl, fw, x, convention, positions=positions)
    assert_close(got, loop_reference(x, convention, positions), dtype=dt)


@pytest.mark.framework("torch")
def test_gradients_flow(impl, fw):
    """torch: the output is differentiable in x; the gradient is the inverse rotation of the upstream gradient."""
    import torch

    rng = np.random.default_rng(12)
    x = rng.standard_normal((2, 5, 8))
    probe = rng.standard_normal((2, 5, 8))
    for convention in CONVENTIONS:
        xt = torch.tensor(x, requires_grad=True)
        out = impl.rope(xt, convention)
        check(isinstance(out, torch.Tensor) and out.requires_grad, "the output is not differentiable (detached, or built outside torch)")
        (out * torch.from_numpy(probe)).sum().backward()
        check(xt.grad is not None, "no gradient reached x")
        # R is orthogonal, so d(out . probe)/dx = R^T probe = rotation of probe by minus each angle
        minus = -np.arange(5)
        expected = np.empty_like(probe)
        for b in range(2):
            for t in range(5):
                expected[b, t] = loop_reference(probe[b, t][None, :], convention, [minus[t]])[0]
        assert_close(fw.to_numpy(xt.grad), expected, what=f"the gradient with respect to x ({convention!r})")
