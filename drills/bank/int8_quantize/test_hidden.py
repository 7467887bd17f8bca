"""Hidden suite for `int8_quantize`. Inputs are built in NumPy and handed over in the user's framework."""

import numpy as np
from hypothesis import Phase, given, settings, strategies as st

from postprep.drills.harness import assert_close, assert_equal, check, fail

SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=30,
                    phases=(Phase.explicit, Phase.generate))  # no shrinking: a failure is reported at once
# w / scale computed as w * (127 / absmax), or in float64 for float32 input, may land on the other side of
# a .5 boundary: within this distance of k + 0.5 either neighbour is accepted.
BOUNDARY = 1e-4


def reference(w, per_channel):
    """(q, scale) in float64: scale = absmax / 127 (1 if absmax is 0), q = clip(round half even(w / scale))."""
    w = np.asarray(w, dtype=np.float64)
    absmax = np.abs(w).max(axis=1, keepdims=True) if per_channel else np.abs(w).max()
    scale = np.where(absmax > 0, absmax / 127.0, 1.0)
    ratio = w / scale
    return np.clip(np.round(ratio), -127, 127), scale, ratio


def quantize(impl, fw, w, per_channel, dtype=None):
    """The user's (q, scale) as NumPy, after checking dtypes and shapes."""
    out = impl.quantize_int8(fw.array(w, dtype), per_channel=per_channel)
    check(isinstance(out, (tuple, list)) and len(out) == 2, f"quantize_int8 returned {type(out).__name__}; expected a tuple (q, scale)")
    q, scale = out
    check(fw.dtype_name(q) == "int8" if hasattr(q, "dtype") else False,
          f"q has dtype {getattr(q, 'dtype', type(q).__name__)}; expected int8")
    qn = fw.to_numpy(q, what="q")
    check(qn.shape == w.shape, f"q has shape {qn.shape} for w of shape {w.shape}; expected {w.shape}")
    check(hasattr(scale, "dtype") and hasattr(scale, "shape"),
          f"scale is a {type(scale).__name__}; expected an array of w's kind and dtype (0-d for per_channel=False)")
    sn = fw.to_numpy(scale, what="scale")
    want = (w.shape[0], 1) if per_channel else ()
    check(sn.shape == want, f"scale has shape {sn.shape} with per_channel={per_channel}; expected {want}")
    return q, scale, qn, sn


def compare_q(qn, w, per_channel, what="q"):
    """q equals the reference exactly, except off by one where w / scale is within BOUNDARY of a .5 tie."""
    ref, _, ratio = reference(w, per_channel)
    near_tie = np.abs(np.abs(ratio) % 1.0 - 0.5) < BOUNDARY
    ok = (qn == ref) | (near_tie & (np.abs(qn - ref) <= 1))
    if not ok.all():
        idx = tuple(int(i) for i in np.argwhere(~ok)[0])
        fail(f"{what} differs at index {idx}: got {qn[idx]:g}, expected {ref[idx]:g} (w / scale = {ratio[idx]:.6g})")


def scale_tol(dtype):
    return {"rtol": 2e-7, "atol": 0.0} if dtype == "float32" else {"rtol": 1e-12, "atol": 0.0}


def test_worked_example(impl, fw):
    """The prompt's example: per channel and per tensor, with a zero row and .5 ties rounded to even."""
    w = np.array([[127.0, 2.5, -0.5, 1.5], [0, 0, 0, 0], [0.9, -1.0, 0.25, 0.1]])
    q, scale, qn, sn = quantize(impl, fw, w, True)
    assert_equal(qn, [[127, 2, 0, 2], [0, 0, 0, 0], [114, -127, 32, 13]], what="q (per channel)")
    assert_close(sn, [[1.0], [1.0], [1.0 / 127]], what="scale (per channel)")
    deq = fw.to_numpy(impl.dequantize_int8(q, scale), what="the dequantized weights")
    assert_close(deq, qn * sn, what="dequantize_int8(q, scale) (per channel)")
    q, scale, qn, sn = quantize(impl, fw, w, False)
    assert_equal(qn, [[127, 2, 0, 2], [0, 0, 0, 0], [1, -1, 0, 0]], what="q (per tensor)")
    assert_close(sn, 1.0, what="scale (per tensor)")


def test_per_channel_matches_spec(impl, fw):
    """per_channel=True (the default): one scale per row = row absmax / 127, q = round(w / scale) as int8."""
    rng = np.random.default_rng(0)
    w = rng.standard_normal((16, 24)) * rng.uniform(0.01, 10.0, size=(16, 1))
    out = impl.quantize_int8(fw.array(w))
    check(isinstance(out, (tuple, list)) and len(out) == 2, "quantize_int8 returned something other than (q, scale)")
    _, _, qn, sn = quantize(impl, fw, w, True)
    _, ref_scale, _ = reference(w, True)
    assert_close(sn, ref_scale, what="scale (per channel)", **scale_tol("float64"))
    compare_q(qn, w, True)
    assert_equal(fw.to_numpy(out[0], what="q"), qn, what="q with per_channel left at its default (True)")


def test_per_tensor_matches_spec(impl, fw):
    """per_channel=False: one 0-d scale = absmax of the whole matrix / 127."""
    rng = np.random.default_rng(1)
    w = rng.standard_normal((12, 20)) * rng.uniform(0.01, 10.0, size=(12, 1))
    _, _, qn, sn = quantize(impl, fw, w, False)
    _, ref_scale, _ = reference(w, False)
    assert_close(sn, ref_scale, what="scale (per tensor)", **scale_tol("float64"))
    compare_q(qn, w, False)


def test_rounds_half_to_even(impl, fw):
    """Exact .5 ties round to the even integer (np.round / torch.round), not away from zero, not truncated."""
    w = np.array([[127.0, 0.5, 1.5, 2.5, 3.5, -0.5, -1.5, -2.5, 126.5, -126.5, 0.49, 2.51]])
    _, _, qn, sn = quantize(impl, fw, w, True)
    assert_close(sn, [[1.0]], what="scale")
    assert_equal(qn, [[127, 0, 2, 2, 4, 0, -2, -2, 126, -126, 0, 3]], what="q for w / scale = [127, 0.5, 1.5, 2.5, ...]")


def test_absmax_maps_to_127(impl, fw):
    """The largest |w| of each row (per channel) or of the matrix (per tensor) becomes +-127 and dequantizes back to itself."""
    rng = np.random.default_rng(2)
    w = rng.standard_normal((6, 9))
    w[np.arange(6), rng.integers(0, 9, 6)] = rng.choice([-1.0, 1.0], 6) * rng.uniform(3.0, 5.0, 6)
    for per_channel in (True, False):
        q, scale, qn, sn = quantize(impl, fw, w, per_channel)
        deq = fw.to_numpy(impl.dequantize_int8(q, scale), what="the dequantized weights")
        axis_max = np.abs(w).max(axis=1) if per_channel else np.array([np.abs(w).max()])
        rows = range(6) if per_channel else [int(np.argmax(np.abs(w).max(axis=1)))]
        for r, m in zip(rows, axis_max):
            j = int(np.argmax(np.abs(w[r])))
            check(abs(qn[r, j]) == 127, f"the largest |w| (row {r}, column {j}) was quantized to {qn[r, j]:g}; expected +-127 (per_channel={per_channel})")
            assert_close(deq[r, j], w[r, j], what=f"the dequantized absmax entry of row {r} (per_channel={per_channel})", rtol=1e-12, atol=0)


def test_roundtrip_error_is_at_most_half_a_step(impl, fw):
    """|w - dequantize(q, scale)| <= scale / 2 for every entry, per channel and per tensor."""
    rng = np.random.default_rng(3)
    w = rng.standard_normal((10, 30)) * np.exp(rng.uniform(-4, 4, size=(10, 1)))
    for per_channel in (True, False):
        q, scale, qn, sn = quantize(impl, fw, w, per_channel)
        deq = fw.to_numpy(impl.dequantize_int8(q, scale), what="the dequantized weights")
        err = np.abs(w - deq)
        bound = np.broadcast_to(sn / 2 * (1 + 1e-9), w.shape)
        bad = err > bound
        if bad.any():
            idx = tuple(int(i) for i in np.argwhere(bad)[0])
            fail(f"|w - dequantized| = {err[idx]:.6g} at {idx} exceeds scale / 2 = {sn.flat[0] if sn.ndim == 0 else sn[idx[0], 0]:.6g} / 2 (per_channel={per_channel})")


def test_per_channel_is_never_worse(impl, fw):
    """Per-channel scales are <= the per-tensor scale, and on rows of very different sizes the per-channel error is smaller."""
    rng = np.random.default_rng(4)
    w = rng.standard_normal((8, 64)) * np.array([[100.0], [1.0], [0.01], [5.0], [0.5], [20.0], [0.1], [2.0]])
    qc, sc, _, snc = quantize(impl, fw, w, True)
    qt, st_, _, snt = quantize(impl, fw, w, False)
    check(bool((snc <= snt * (1 + 1e-12)).all()), "a per-channel scale is larger than the per-tensor scale")
    err_c = np.abs(w - fw.to_numpy(impl.dequantize_int8(qc, sc)))
    err_t = np.abs(w - fw.to_numpy(impl.dequantize_int8(qt, st_)))
    check(err_c.max() <= err_t.max(), f"per-channel max error {err_c.max():.4g} is larger than per-tensor max error {err_t.max():.4g}")
    small = np.array([1, 2, 4, 6])  # rows far below the matrix absmax: per tensor rounds them coarsely
    check(err_c[small].max() < err_t[small].max() / 10,
          f"on the small rows the per-channel max error {err_c[small].max():.4g} is not much below the per-tensor one {err_t[small].max():.4g}")


def test_zero_rows_and_zero_tensor(impl, fw):
    """An all-zero row gets scale 1 and q = 0 (no division by zero); an all-zero matrix per tensor gets scale 1."""
    rng = np.random.default_rng(5)
    w = rng.standard_normal((4, 5))
    w[1] = 0.0
    w[3] = 0.0
    q, scale, qn, sn = quantize(impl, fw, w, True)
    assert_close(sn[[1, 3]], [[1.0], [1.0]], what="the scale of the all-zero rows 1 and 3")
    assert_equal(qn[[1, 3]], np.zeros((2, 5)), what="q of the all-zero rows")
    compare_q(qn, w, True)
    deq = fw.to_numpy(impl.dequantize_int8(q, scale), what="the dequantized weights")
    check(bool(np.isfinite(deq).all()), "the dequantized weights contain nan or inf")
    z = np.zeros((3, 4))
    for per_channel in (True, False):
        q, scale, qn, sn = quantize(impl, fw, z, per_channel)
        assert_close(sn, np.ones(sn.shape), what=f"the scale of an all-zero matrix (per_channel={per_channel})")
        assert_equal(qn, np.zeros((3, 4)), what=f"q of an all-zero matrix (per_channel={per_channel})")
        assert_close(fw.to_numpy(impl.dequantize_int8(q, scale)), z, what=f"the dequantized all-zero matrix (per_channel={per_channel})")


def test_exact_grid_roundtrips(impl, fw):
    """Weights already on the int8 grid (q0 * s with each row reaching +-127) come back exactly: same q, same scale."""
    rng = np.random.default_rng(6)
    q0 = rng.integers(-127, 128, size=(5, 7)).astype(np.float64)
    q0[:, 0] = np.array([127, -127, 127, -127, 127])
    s = 2.0 ** rng.integers(-6, 6, size=(5, 1))  # powers of two: w = q0 * s is exact in float
    w = q0 * s
    q, scale, qn, sn = quantize(impl, fw, w, True)
    assert_equal(qn, q0, what="q of weights on the grid")
    assert_close(sn, s, what="scale of weights on the grid", rtol=1e-15, atol=0)
    assert_close(fw.to_numpy(impl.dequantize_int8(q, scale)), w, what="the dequantized grid weights", rtol=1e-15, atol=0)


def test_float32_weights(impl, fw):
    """float32 weights give a float32 scale and float32 dequantized weights, with q as specified."""
    rng = np.random.default_rng(7)
    w = (rng.standard_normal((12, 16)) * rng.uniform(0.1, 3.0, size=(12, 1))).astype(np.float32)
    for per_channel in (True, False):
        q, scale, qn, sn = quantize(impl, fw, w, per_channel)
        check(fw.dtype_name(scale) == "float32", f"scale has dtype {fw.dtype_name(scale)} for float32 weights; expected float32")
        _, ref_scale, _ = reference(w, per_channel)
        assert_close(sn, ref_scale, what=f"scale (float32, per_channel={per_channel})", **scale_tol("float32"))
        compare_q(qn, w, per_channel, what=f"q (float32, per_channel={per_channel})")
        deq = impl.dequantize_int8(q, scale)
        check(fw.dtype_name(deq) == "float32", f"dequantize_int8 returned {fw.dtype_name(deq)} for a float32 scale; expected float32")
        assert_close(fw.to_numpy(deq), qn * sn, dtype="float32", what=f"the dequantized weights (float32, per_channel={per_channel})")


def test_dequantize_given_arrays(impl, fw):
    """dequantize_int8 multiplies q by the scale with broadcasting: (rows, 1) scales per row, a 0-d scale for all."""
    rng = np.random.default_rng(8)
    q = rng.integers(-127, 128, size=(4, 6)).astype(np.int8)
    s_rows = rng.uniform(0.001, 0.1, size=(4, 1))
    got = fw.to_numpy(impl.dequantize_int8(fw.array(q), fw.array(s_rows)), what="the dequantized weights")
    assert_close(got, q.astype(np.float64) * s_rows, what="dequantize_int8 with a (rows, 1) scale")
    got = fw.to_numpy(impl.dequantize_int8(fw.array(q), fw.array(np.array(0.05))), what="the dequantized weights")
    assert_close(got, q.astype(np.float64) * 0.05, what="dequantize_int8 with a 0-d scale")


def test_extreme_magnitudes(impl, fw):
    """Very large and very small weights (1e30, 1e-20 in float32; 1e300, 1e-300 in float64) quantize without overflow."""
    rng = np.random.default_rng(9)
    base = rng.standard_normal((3, 8))
    for dtype, mags in (("float32", (1e30, 1e-20)), ("float64", (1e300, 1e-300))):
        for mag in mags:
            w = (base * mag).astype(dtype)
            for per_channel in (True, False):
                _, _, qn, sn = quantize(impl, fw, w, per_channel, dtype=dtype)
                check(bool(np.isfinite(sn).all()) and bool((sn > 0).all()), f"scale is not finite and positive for |w| ~ {mag:g} ({dtype})")
                compare_q(qn, w, per_channel, what=f"q for |w| ~ {mag:g} ({dtype}, per_channel={per_channel})")


def test_inputs_not_modified(impl, fw):
    """w is unchanged by quantize_int8, and q and scale by dequantize_int8."""
    rng = np.random.default_rng(10)
    w = rng.standard_normal((5, 6))
    given_w = fw.array(w)
    q, scale = impl.quantize_int8(given_w)
    assert_close(fw.to_numpy(given_w, what="w"), w, what="w after quantize_int8")
    q_before, s_before = fw.to_numpy(q, what="q").copy(), fw.to_numpy(scale, what="scale").copy()
    impl.dequantize_int8(q, scale)
    assert_equal(fw.to_numpy(q, what="q"), q_before, what="q after dequantize_int8")
    assert_close(fw.to_numpy(scale, what="scale"), s_before, what="scale after dequantize_int8")


@SETTINGS
@given(rows=st.integers(1, 6), cols=st.integers(1, 9), log_mag=st.integers(-6, 6), per_channel=st.booleans(),
       float32=st.booleans(), seed=st.integers(0, 2**16))
def test_matches_spec_random(impl, fw, rows, cols, log_mag, per_channel, float32, seed):
    """On many random shapes, magnitudes and dtypes: scale and q match the definition and the error is <= scale / 2."""
    rng = np.random.default_rng(seed)
    w = rng.standard_normal((rows, cols)) * 10.0 ** log_mag
    if rows > 1:
        w[rng.integers(0, rows)] = 0.0  # one all-zero row
    dtype = "float32" if float32 else "float64"
    w = w.astype(dtype)
    q, scale, qn, sn = quantize(impl, fw, w, per_channel, dtype=dtype)
    _, ref_scale, _ = reference(w, per_channel)
    assert_close(sn, ref_scale, what="scale", **scale_tol(dtype))
    compare_q(qn, w, per_channel)
    deq = fw.to_numpy(impl.dequantize_int8(q, scale), what="the dequantized weights")
    slack = 1e-6 if float32 else 1e-12
    check(bool((np.abs(w.astype(np.float64) - deq) <= np.broadcast_to(ref_scale, w.shape) * (0.5 + slack)).all()),
          "|w - dequantized| exceeds scale / 2 somewhere")
