"""Hidden suite for `clip_grad_norm`. The reference is torch.nn.utils.clip_grad_norm_ itself, run here on
copies of the same gradients, plus a float64 plain-Python spec. Inputs are built in NumPy."""

import math

import numpy as np
import torch
from hypothesis import Phase, given, settings, strategies as st

from postprep.drills.harness import assert_close, check, fail

# Bound before the candidate is imported: the drill forbids it, and the grader stubs it after collection.
TORCH_CLIP = torch.nn.utils.clip_grad_norm_

# No shrinking: a wrong answer fails on its first bad example instead of spending the time limit shrinking it.
SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=40,
                    phases=(Phase.explicit, Phase.generate))
INF = math.inf


def torch_reference(grads, max_norm, norm_type=2.0, dtype="float64"):
    """torch.nn.utils.clip_grad_norm_ on parameters holding these gradients: (clipped as NumPy or None, total norm)."""
    params = []
    for g in grads:
        p = torch.nn.Parameter(torch.zeros(np.shape(g) if g is not None else (1,), dtype=getattr(torch, dtype)))
        if g is not None:
            p.grad = torch.tensor(np.asarray(g, dtype=dtype))
        params.append(p)
    total = TORCH_CLIP(params, max_norm, norm_type=norm_type)
    clipped = [None if g is None else p.grad.double().numpy() for g, p in zip(grads, params)]
    return clipped, float(total)


def spec(grads, max_norm, norm_type=2.0):
    """The definition with plain Python floats."""
    entries = [abs(float(x)) for g in grads if g is not None for x in np.ravel(g)]
    if not entries:
        total = 0.0
    elif math.isinf(norm_type):
        total = max(entries)
    else:
        total = sum(x**norm_type for x in entries) ** (1.0 / norm_type)
    coef = min(1.0, max_norm / (total + 1e-6))
    return [None if g is None else np.asarray(g, dtype=np.float64) * coef for g in grads], total


def run(impl, fw, grads, max_norm, norm_type=None, dtype="float64"):
    """The user's (clipped list as float64 NumPy / None, total norm as float, dtype of the outputs)."""
    given_ = [None if g is None else fw.array(g, dtype) for g in grads]
    out = impl.clip_grad_norm(given_, max_norm) if norm_type is None else impl.clip_grad_norm(given_, max_norm, norm_type)
    check(isinstance(out, (tuple, list)) and len(out) == 2,
          f"clip_grad_norm returned {type(out).__name__}; expected a tuple (clipped_grads, total_norm)")
    clipped, total = out
    check(isinstance(clipped, (list, tuple)), f"clipped_grads is {type(clipped).__name__}; expected a list")
    check(len(clipped) == len(grads), f"clipped_grads has {len(clipped)} entries for {len(grads)} gradients; expected one per input, in order")
    got, dtypes = [], []
    for i, (c, g) in enumerate(zip(clipped, grads)):
        if g is None:
            check(c is None, f"clipped_grads[{i}] is {type(c).__name__} where the input gradient was None; keep None")
            got.append(None)
            continue
        check(c is not None, f"clipped_grads[{i}] is None but the input gradient was not")
        arr = fw.to_numpy(c, what=f"clipped_grads[{i}]")
        check(arr.shape == np.shape(g), f"clipped_grads[{i}] has shape {arr.shape}; expected {np.shape(g)}")
        got.append(arr)
        dtypes.append(fw.dtype_name(c))
    total_np = fw.to_numpy(total, what="total_norm")
    check(total_np.size == 1, f"total_norm has shape {total_np.shape}; expected a single number")
    dt = dtypes[0] if dtypes else dtype
    return got, float(total_np.reshape(())), dt


def compare(got, expected, dt, what, **tol):
    clipped, total = got
    want_clipped, want_total = expected
    assert_close(np.array(total), np.array(want_total), dtype=dt, what=f"total_norm {what}", **tol)
    for i, (c, w) in enumerate(zip(clipped, want_clipped)):
        if w is not None:
            assert_close(c, w, dtype=dt, what=f"clipped_grads[{i}] {what}", **tol)


def model_like(rng, scale=1.0):
    """Gradients shaped like a small model's: a matrix, a bias, a 3-D kernel, a scalar."""
    return [rng.normal(0.0, scale, (8, 5)), rng.normal(0.0, scale, (5,)), rng.normal(0.0, scale, (2, 3, 4)),
            rng.normal(0.0, scale, ())]


def test_worked_example(impl, fw):
    """The prompt's example: norms 5 and 12 give a total of 13; with max_norm 6.5 both are halved (almost)."""
    grads = [np.array([3.0, 4.0]), np.array([[12.0]])]
    clipped, total, dt = run(impl, fw, grads, 6.5)
    coef = 6.5 / (13.0 + 1e-6)
    compare((clipped, total), ([np.array([3.0, 4.0]) * coef, np.array([[12.0]]) * coef], 13.0), dt, "for the worked example")
    clipped, total, dt = run(impl, fw, grads, 20.0)
    compare((clipped, total), (grads, 13.0), dt, "with max_norm = 20 (no clipping)")


def test_matches_torch_float64(impl, fw):
    """float64 model-shaped gradients: the clipped gradients and the total norm equal torch.nn.utils.clip_grad_norm_'s."""
    rng = np.random.default_rng(0)
    for max_norm in (0.1, 1.0, 5.0, 50.0):
        grads = model_like(rng)
        got, total, dt = run(impl, fw, grads, max_norm)
        compare((got, total), torch_reference(grads, max_norm), dt, f"with max_norm = {max_norm} (vs torch)")


def test_matches_torch_float32(impl, fw):
    """float32 gradients stay float32 and match torch.nn.utils.clip_grad_norm_ in float32."""
    rng = np.random.default_rng(1)
    for max_norm in (0.5, 100.0):
        grads = [g.astype(np.float32) for g in model_like(rng, 2.0)]
        got, total, dt = run(impl, fw, grads, max_norm, dtype="float32")
        check(dt == "float32", f"float32 gradients came back as {dt}; keep each gradient's dtype")
        compare((got, total), torch_reference(grads, max_norm, dtype="float32"), "float32", f"with max_norm = {max_norm}, float32")


def test_float64_keeps_float64_precision(impl, fw):
    """float64 gradients are handled in float64: total_norm and the clipped gradients match the definition to ~1e-10, not float32's ~1e-7."""
    rng = np.random.default_rng(12)
    grads = model_like(rng, 3.0)
    for norm_type in (2.0, 1.0, 3.0, INF):
        clipped, total, dt = run(impl, fw, grads, 0.7, norm_type)
        check(dt == "float64", f"float64 gradients came back as {dt}; keep each gradient's dtype")
        compare((clipped, total), spec(grads, 0.7, norm_type), dt,
                f"with norm_type = {norm_type}, float64 (a float32 norm or scale is off by about 1e-7)", rtol=1e-10, atol=1e-13)


def test_total_norm_is_global_not_per_tensor(impl, fw):
    """The norm is taken over all gradients together, as one vector: each gradient is below max_norm, the total is not."""
    grads = [np.full(4, 0.5), np.full(9, 1.0 / 3.0), np.array([0.6, 0.8])]  # norms 1, 1, 1: total sqrt(3)
    clipped, total, dt = run(impl, fw, grads, 1.5)
    compare((clipped, total), spec(grads, 1.5), dt, "for three gradients of norm 1 and max_norm 1.5")


def test_returns_norm_before_clipping(impl, fw):
    """total_norm is the norm before clipping, and the clipped gradients have global norm ~max_norm."""
    rng = np.random.default_rng(2)
    grads = model_like(rng, 3.0)
    want = math.sqrt(sum(float((g**2).sum()) for g in grads))
    clipped, total, dt = run(impl, fw, grads, 2.0)
    assert_close(np.array(total), np.array(want), dtype=dt, what="total_norm (the norm before clipping)")
    after = math.sqrt(sum(float((c**2).sum()) for c in clipped))
    assert_close(np.array(after), np.array(2.0 * want / (want + 1e-6)), dtype=dt,
                 what="the global norm of the clipped gradients (max_norm * total / (total + 1e-6))")


def test_no_clipping_below_max_norm(impl, fw):
    """When total_norm + 1e-6 <= max_norm the gradients come back unchanged."""
    rng = np.random.default_rng(3)
    grads = model_like(rng, 0.1)
    total = math.sqrt(sum(float((g**2).sum()) for g in grads))
    for max_norm in (total + 1e-6, total * 2, 1e6):
        clipped, got_total, dt = run(impl, fw, grads, max_norm)
        compare((clipped, got_total), (grads, total), dt, f"with max_norm = {max_norm:.6g} >= total_norm + 1e-6")


def test_eps_in_the_clip_coefficient(impl, fw):
    """The scale is max_norm / (total_norm + 1e-6), as torch: visible for small norms (total 0.01, max_norm 0.002 or 0.01)."""
    grads = [np.array([0.006, 0.0]), np.array([0.0, -0.008])]  # total 0.01
    for max_norm in (0.002, 0.01):
        clipped, total, dt = run(impl, fw, grads, max_norm)
        compare((clipped, total), torch_reference(grads, max_norm), dt, f"with total_norm 0.01 and max_norm = {max_norm} (vs torch)")


def test_direction_preserved(impl, fw):
    """Every gradient is multiplied by the same factor in (0, 1]: directions and relative sizes are kept."""
    rng = np.random.default_rng(4)
    grads = model_like(rng, 5.0)
    clipped, _, _ = run(impl, fw, grads, 1.0)
    ratios = []
    for i, (c, g) in enumerate(zip(clipped, grads)):
        mask = np.abs(g) > 1e-3
        ratios.append(c[mask] / g[mask])
        check(bool((np.sign(c[mask]) == np.sign(g[mask])).all()), f"clipped_grads[{i}] has entries whose sign changed")
    r = np.concatenate(ratios)
    check(bool(r.max() - r.min() <= 1e-9 * abs(r.mean())),
          f"the gradients were not all scaled by one common factor (ratios from {r.min():.6g} to {r.max():.6g})")
    check(0 < r.mean() <= 1, f"the common scale factor is {r.mean():.6g}; expected one in (0, 1]")


def test_none_gradients_skipped(impl, fw):
    """None entries (parameters without a gradient) are skipped in the norm and returned as None in place."""
    rng = np.random.default_rng(5)
    grads = [None, rng.normal(0.0, 2.0, (3, 3)), None, rng.normal(0.0, 2.0, (4,)), None]
    clipped, total, dt = run(impl, fw, grads, 1.0)
    compare((clipped, total), torch_reference(grads, 1.0), dt, "with None gradients (vs torch)")


def test_empty_and_all_none(impl, fw):
    """No gradients at all (an empty list, or only None): total_norm is 0 and nothing fails."""
    for grads in ([], [None, None]):
        clipped, total, _ = run(impl, fw, grads, 1.0)
        assert_close(np.array(total), np.array(0.0), what=f"total_norm for {grads}")


def test_other_norm_types(impl, fw):
    """norm_type = inf (largest |entry|), 1 and 3: total_norm and clipping match torch."""
    rng = np.random.default_rng(6)
    grads = model_like(rng, 1.5)
    for norm_type in (INF, 1.0, 3.0):
        for max_norm in (0.5, 1e4):
            clipped, total, dt = run(impl, fw, grads, max_norm, norm_type)
            compare((clipped, total), torch_reference(grads, max_norm, norm_type), dt,
                    f"with norm_type = {norm_type}, max_norm = {max_norm} (vs torch)")


def test_inputs_not_modified(impl, fw):
    """The input gradients are unchanged after the call (the clipped ones are new arrays)."""
    rng = np.random.default_rng(7)
    grads = model_like(rng, 4.0)
    for dtype in ("float64", "float32"):
        given_ = [fw.array(g, dtype) for g in grads]
        impl.clip_grad_norm(given_, 0.5)
        for i, (g, original) in enumerate(zip(given_, grads)):
            assert_close(fw.to_numpy(g, what=f"input gradient {i}"), np.asarray(original, dtype=dtype), dtype=dtype,
                         what=f"input gradient {i} ({dtype}) after the call")


def test_empty_and_scalar_arrays(impl, fw):
    """0-d gradients and gradients with no entries (shape (0,)) are handled."""
    grads = [np.array(3.0), np.zeros((0,)), np.array([[4.0]])]
    clipped, total, dt = run(impl, fw, grads, 1.0)
    compare((clipped, total), spec(grads, 1.0), dt, "with a 0-d and an empty gradient")


@SETTINGS
@given(
    n=st.integers(1, 5),
    max_norm=st.sampled_from([1e-3, 0.3, 1.0, 4.0, 1e3]),
    norm_type=st.sampled_from([2.0, 2.0, 1.0, INF]),
    scale=st.sampled_from([1e-2, 1.0, 30.0]),
    seed=st.integers(0, 2**16),
)
def test_matches_plain_spec_on_random_inputs(impl, fw, n, max_norm, norm_type, scale, seed):
    """Random lists of gradients (None included), max_norms and norm types agree with the definition."""
    rng = np.random.default_rng(seed)
    grads = []
    for _ in range(n):
        if rng.random() < 0.2:
            grads.append(None)
        else:
            grads.append(rng.normal(0.0, scale, tuple(rng.integers(1, 4, size=rng.integers(0, 3)))))
    clipped, total, dt = run(impl, fw, grads, max_norm, norm_type)
    compare((clipped, total), spec(grads, max_norm, norm_type), dt, f"with max_norm = {max_norm}, norm_type = {norm_type}")
