"""Hidden suite for `multi_lora_batch`. Inputs are built in NumPy and handed over in the user's framework;
the reference runs each request alone through its own adapter, in float64."""

import numpy as np
import pytest
from hypothesis import Phase, given, settings, strategies as st

from postprep.drills.harness import assert_close, check, fail

SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=15,
                    phases=[Phase.explicit, Phase.generate])  # no shrinking: a wrong answer fails fast
ORDER = ["float16", "bfloat16", "float32", "float64"]


def per_request_reference(x, w, bias, lora_A, lora_B, scalings, ids):
    """Each request alone: x[b] W^T + b + s_j (x[b] A_j^T) B_j^T, or the base alone for j = -1."""
    x, w = np.asarray(x, dtype=np.float64), np.asarray(w, dtype=np.float64)
    out = np.zeros(x.shape[:2] + (w.shape[0],))
    for b in range(x.shape[0]):
        y = x[b] @ w.T
        if bias is not None:
            y = y + np.asarray(bias, dtype=np.float64)
        j = int(ids[b])
        if j >= 0:
            a, bb = np.asarray(lora_A[j], dtype=np.float64), np.asarray(lora_B[j], dtype=np.float64)
            y = y + scalings[j] * (x[b] @ a.T) @ bb.T
        out[b] = y
    return out


def make_adapters(rng, ranks, n_in, n_out, scale=0.5):
    lora_A = [rng.standard_normal((r, n_in)) * scale for r in ranks]
    lora_B = [rng.standard_normal((n_out, r)) * scale for r in ranks]
    scalings = [float(rng.choice([0.5, 1.0, 2.0, 4.0])) for _ in ranks]
    return lora_A, lora_B, scalings


def make_case(rng, b, length, n_in, n_out, ranks, ids=None, bias=True):
    x = rng.standard_normal((b, length, n_in))
    w = rng.standard_normal((n_out, n_in)) / np.sqrt(n_in)
    bvec = rng.standard_normal(n_out) if bias else None
    lora_A, lora_B, scalings = make_adapters(rng, ranks, n_in, n_out)
    if ids is None:
        ids = rng.integers(-1, len(ranks), size=b)
    return x, w, bvec, lora_A, lora_B, scalings, np.asarray(ids, dtype=np.int64)


def lower_precision(a, b):
    return min(a, b, key=lambda d: ORDER.index(d) if d in ORDER else 3)


def fw_args(fw, x, w, bvec, lora_A, lora_B, scalings, ids, dtype="float64"):
    return (fw.array(x, dtype), fw.array(w, dtype), None if bvec is None else fw.array(bvec, dtype),
            [fw.array(a, dtype) for a in lora_A], [fw.array(a, dtype) for a in lora_B], list(scalings),
            fw.array(np.asarray(ids, dtype=np.int64)))


def run(impl, fw, x, w, bvec, lora_A, lora_B, scalings, ids, dtype="float64"):
    out = impl.multi_lora_forward(*fw_args(fw, x, w, bvec, lora_A, lora_B, scalings, ids, dtype))
    got = fw.to_numpy(out, what="multi_lora_forward's result")
    expected_shape = (x.shape[0], x.shape[1], w.shape[0])
    check(got.shape == expected_shape, f"the output has shape {got.shape}; expected (B, L, out) = {expected_shape}")
    return got, lower_precision(dtype, fw.dtype_name(out))


def rounded(case, dtype):
    x, w, bvec, lora_A, lora_B, scalings, ids = case
    r = lambda v: None if v is None else np.asarray(v, dtype=dtype).astype(np.float64)  # noqa: E731
    return r(x), r(w), r(bvec), [r(a) for a in lora_A], [r(a) for a in lora_B], scalings, ids


def test_worked_example(impl, fw):
    """The prompt's example: adapter 0, adapter 1 (another rank) and no adapter give [3, 5], [2, 3.5], [1, 3]."""
    w, bvec = np.eye(2), np.array([0.0, 1.0])
    lora_A = [np.array([[1.0, 0.0]]), np.array([[1.0, 0.0], [0.0, 1.0]])]
    lora_B = [np.array([[1.0], [1.0]]), np.array([[0.0, 1.0], [1.0, 0.0]])]
    x = np.array([[[1.0, 2.0]]] * 3)
    got, dt = run(impl, fw, x, w, bvec, lora_A, lora_B, [2.0, 0.5], np.array([0, 1, -1]))
    assert_close(got, [[[3.0, 5.0]], [[2.0, 3.5]], [[1.0, 3.0]]], dtype=dt)


def test_mixed_batch_matches_per_request_loop(impl, fw):
    """A batch mixing several adapters of different ranks and -1 equals running each request alone."""
    rng = np.random.default_rng(0)
    case = make_case(rng, 7, 4, 8, 6, ranks=[2, 5, 1, 3], ids=[3, 0, -1, 2, 0, 1, -1])
    got, dt = run(impl, fw, *case)
    assert_close(got, per_request_reference(*case), dtype=dt)


def test_no_adapter_means_base_model(impl, fw):
    """Every id -1: the output is the base layer alone (not the last adapter, which index -1 would pick)."""
    rng = np.random.default_rng(1)
    case = make_case(rng, 4, 3, 5, 4, ranks=[2, 3], ids=[-1, -1, -1, -1])
    got, dt = run(impl, fw, *case)
    x, w, bvec = case[:3]
    assert_close(got, x @ w.T + bvec, dtype=dt, what="the output when no request uses an adapter")


def test_all_requests_same_adapter(impl, fw):
    """Every request uses the same adapter: the plain LoRA formula for the whole batch, for each adapter in turn."""
    rng = np.random.default_rng(2)
    x, w, bvec, lora_A, lora_B, scalings, _ = make_case(rng, 3, 5, 6, 7, ranks=[4, 2, 3])
    for j in range(3):
        got, dt = run(impl, fw, x, w, bvec, lora_A, lora_B, scalings, np.full(3, j))
        expected = x @ w.T + bvec + scalings[j] * (x @ lora_A[j].T) @ lora_B[j].T
        assert_close(got, expected, dtype=dt, what=f"the output when every request uses adapter {j}")


def test_each_adapter_uses_its_own_scaling(impl, fw):
    """Two adapters with the same A and B but scalings 1 and 3: their LoRA terms differ by a factor of 3."""
    rng = np.random.default_rng(3)
    x = np.repeat(rng.standard_normal((1, 2, 4)), 2, axis=0)
    w, a, b = rng.standard_normal((3, 4)), rng.standard_normal((2, 4)), rng.standard_normal((3, 2))
    got, dt = run(impl, fw, x, w, None, [a, a], [b, b], [1.0, 3.0], np.array([0, 1]))
    base = x[0] @ w.T
    assert_close(got[1] - base, 3.0 * (got[0] - base), dtype=dt, what="adapter 1's LoRA term (3x adapter 0's)")
    assert_close(got[0], base + (x[0] @ a.T) @ b.T, dtype=dt, what="request 0 (scaling 1, no bias)")


def test_requests_are_independent(impl, fw):
    """Permuting the requests permutes the outputs, and each request run alone equals its row of the batch."""
    rng = np.random.default_rng(4)
    x, w, bvec, lora_A, lora_B, scalings, ids = make_case(rng, 5, 3, 6, 4, ranks=[3, 1, 2], ids=[2, -1, 0, 1, 2])
    got, dt = run(impl, fw, x, w, bvec, lora_A, lora_B, scalings, ids)
    perm = np.array([3, 0, 4, 1, 2])
    permuted, _ = run(impl, fw, x[perm], w, bvec, lora_A, lora_B, scalings, ids[perm])
    assert_close(permuted, got[perm], dtype=dt, what="the outputs of the permuted batch")
    for i in range(5):
        alone, _ = run(impl, fw, x[i:i + 1], w, bvec, lora_A, lora_B, scalings, ids[i:i + 1])
        assert_close(alone, got[i:i + 1], dtype=dt, what=f"request {i} run alone")


def test_decode_step_and_single_adapter(impl, fw):
    """L = 1 (a decoding step) and K = 1 (one adapter, used by some requests only)."""
    rng = np.random.default_rng(5)
    case = make_case(rng, 6, 1, 8, 8, ranks=[4], ids=[0, -1, 0, 0, -1, -1])
    got, dt = run(impl, fw, *case)
    assert_close(got, per_request_reference(*case), dtype=dt)


def test_float32_inputs(impl, fw):
    """float32 inputs give a float32 result (the dtype of x) accurate to float32 precision."""
    rng = np.random.default_rng(6)
    case = rounded(make_case(rng, 5, 3, 16, 12, ranks=[8, 4, 2], ids=[0, 1, 2, -1, 1]), np.float32)
    out_dtype = fw.dtype_name(impl.multi_lora_forward(*fw_args(fw, *case, dtype="float32")))
    check(out_dtype == "float32", f"float32 inputs gave a {out_dtype} result; expected float32, the dtype of x")
    got, dt = run(impl, fw, *case, dtype="float32")
    assert_close(got, per_request_reference(*case), dtype=dt, rtol=1e-5, atol=1e-5)


def test_float64_inputs_keep_float64_precision(impl, fw):
    """float64 inputs are computed in float64: the result matches the per-request loop to ~1e-10, not float32's ~1e-7."""
    rng = np.random.default_rng(12)
    case = make_case(rng, 6, 4, 32, 24, [2, 8, 4], ids=[0, 1, 2, -1, 1, 0])
    got, _ = run(impl, fw, *case)
    assert_close(got, per_request_reference(*case), rtol=1e-10, atol=1e-11,
                 what="the float64 output (a float32 computation or result is off by about 1e-7)")


def test_errors(impl, fw):
    """ValueError for an id >= K or < -1, and for lora_A, lora_B and scalings of different lengths."""
    rng = np.random.default_rng(7)
    x, w, bvec, lora_A, lora_B, scalings, _ = make_case(rng, 3, 2, 4, 3, ranks=[2, 2])
    cases = [((lora_A, lora_B, scalings), ids, f"adapter_ids={ids} with K=2 adapters")
             for ids in ([0, 2, 1], [-2, 0, 1], [5, 5, 5])]
    cases += [(args, [0, 0, 0], f"{label} (the three lists must have the same length)")
              for args, label in (((lora_A, lora_B[:1], scalings), "2 lora_A, 1 lora_B, 2 scalings"),
                                  ((lora_A, lora_B, scalings + [1.0]), "2 lora_A, 2 lora_B, 3 scalings"),
                                  ((lora_A[:1], lora_B, scalings), "1 lora_A, 2 lora_B, 2 scalings"))]
    for args, ids, label in cases:
        try:
            impl.multi_lora_forward(*fw_args(fw, x, w, bvec, *args, np.array(ids)))
        except ValueError:
            continue
        except Exception as exc:  # noqa: BLE001 - the wrong kind of error is the finding
            fail(f"multi_lora_forward with {label} raised {type(exc).__name__}: {exc}; expected ValueError")
        fail(f"multi_lora_forward with {label} returned without raising ValueError")


def test_inputs_not_modified(impl, fw):
    """x, the base layer, the adapters and adapter_ids (including its -1 entries) are unchanged after the call."""
    rng = np.random.default_rng(8)
    x, w, bvec, lora_A, lora_B, scalings, ids = make_case(rng, 4, 2, 5, 3, ranks=[2, 3], ids=[1, -1, 0, -1])
    args = (fw.array(x), fw.array(w), fw.array(bvec), [fw.array(a) for a in lora_A], [fw.array(a) for a in lora_B],
            list(scalings), fw.array(ids))
    impl.multi_lora_forward(*args)
    check(bool((fw.to_numpy(args[6], what="adapter_ids") == ids).all()), "adapter_ids was modified by the call (map -1 in a copy)")
    for given_, original, name in zip(args[:3], (x, w, bvec), ("x", "base_weight", "base_bias")):
        assert_close(fw.to_numpy(given_, what=name), original, what=f"{name} after the call")
    for j in range(2):
        assert_close(fw.to_numpy(args[3][j], what="lora_A"), lora_A[j], what=f"lora_A[{j}] after the call")
        assert_close(fw.to_numpy(args[4][j], what="lora_B"), lora_B[j], what=f"lora_B[{j}] after the call")
    check(scalings == list(args[5]), "scalings was modified by the call")


@SETTINGS
@given(b=st.integers(1, 5), length=st.integers(1, 3), n_in=st.integers(1, 6), n_out=st.integers(1, 5),
       ranks=st.lists(st.integers(1, 4), min_size=1, max_size=4), bias=st.booleans(), seed=st.integers(0, 2**16))
def test_matches_loop_on_random_batches(impl, fw, b, length, n_in, n_out, ranks, bias, seed):
    """On many random batches, adapter sets (ranks 1-4) and id patterns, equals the per-request loop."""
    rng = np.random.default_rng(seed)
    case = make_case(rng, b, length, n_in, n_out, ranks, bias=bias)
    got, dt = run(impl, fw, *case)
    assert_close(got, per_request_reference(*case), dtype=dt)


@pytest.mark.framework("torch")
def test_gradients_reach_the_right_adapters(impl, fw):
    """torch: gradients for x and each adapter's A and B equal those of the per-request loop; an unused adapter gets none (or zeros)."""
    import torch

    rng = np.random.default_rng(9)
    x, w, bvec, lora_A, lora_B, scalings, ids = make_case(rng, 4, 3, 5, 4, ranks=[2, 3, 1], ids=[2, -1, 0, 2])
    g = torch.tensor(rng.standard_normal((4, 3, 4)))

    def leaves():
        return (torch.tensor(x, requires_grad=True), [torch.tensor(a, requires_grad=True) for a in lora_A],
                [torch.tensor(a, requires_grad=True) for a in lora_B])

    mx, ma, mb = leaves()
    out = impl.multi_lora_forward(mx, torch.tensor(w), torch.tensor(bvec), ma, mb, list(scalings), torch.tensor(ids))
    check(isinstance(out, torch.Tensor) and out.requires_grad, "the output is not differentiable (detached, or built outside torch)")
    (out * g).sum().backward()
    rx, ra, rb = leaves()
    rows = []
    for b in range(4):
        y = rx[b] @ torch.tensor(w).T + torch.tensor(bvec)
        j = int(ids[b])
        if j >= 0:
            y = y + scalings[j] * (rx[b] @ ra[j].T) @ rb[j].T
        rows.append(y)
    (torch.stack(rows) * g).sum().backward()
    check(mx.grad is not None, "no gradient reached x")
    assert_close(mx.grad.numpy(), rx.grad.numpy(), what="the gradient with respect to x")
    for j in range(3):
        for mine, ref, name in ((ma[j], ra[j], f"lora_A[{j}]"), (mb[j], rb[j], f"lora_B[{j}]")):
            if ref.grad is None:  # adapter 1 is used by no request
                check(mine.grad is None or bool((mine.grad == 0).all()), f"{name} belongs to an adapter no request uses, yet it got a non-zero gradient")
                continue
            check(mine.grad is not None, f"no gradient reached {name}")
            assert_close(mine.grad.numpy(), ref.grad.numpy(), what=f"the gradient with respect to {name}")
