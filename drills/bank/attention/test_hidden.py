"""Hidden suite for `attention`. Inputs are built in NumPy and handed over in the user's framework."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from postprep.drills.harness import assert_close, check

SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=15)


def reference(q, k, v, mask=None):
    q, k, v = (np.asarray(a, dtype=np.float64) for a in (q, k, v))
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    scores = scores - scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights /= weights.sum(axis=-1, keepdims=True)
    return weights @ v


def loop_reference(q, k, v, mask):
    """The definition, one query at a time, for 2-D inputs."""
    out = np.zeros((q.shape[0], v.shape[1]))
    for i in range(q.shape[0]):
        s = [q[i] @ k[j] / np.sqrt(q.shape[1]) for j in range(k.shape[0])]
        keep = [j for j in range(k.shape[0]) if mask[i, j]]
        top = max(s[j] for j in keep)
        w = {j: np.exp(s[j] - top) for j in keep}
        z = sum(w.values())
        out[i] = sum(w[j] / z * v[j] for j in keep)
    return out


def run(impl, fw, q, k, v, mask=None, dtype="float64"):
    args = [fw.array(a, dtype) for a in (q, k, v)]
    m = None if mask is None else fw.array(mask, "bool")
    out = impl.scaled_dot_product_attention(*args, mask=m)
    got = fw.to_numpy(out)
    return got, lower_precision(dtype, fw.dtype_name(out))


def lower_precision(a, b):
    order = ["float16", "bfloat16", "float32", "float64"]
    return min(a, b, key=lambda d: order.index(d) if d in order else 3)


def rand(rng, *shape, scale=1.0):
    return rng.standard_normal(shape) * scale


def test_worked_example(impl, fw):
    """The prompt's worked example, with and without a mask."""
    q, k, v = np.array([[1.0, 0.0]]), np.eye(2), np.array([[1.0], [3.0]])
    got, dt = run(impl, fw, q, k, v)
    assert_close(got, [[0.669761549 + 3 * 0.330238451]], dtype=dt)
    got, dt = run(impl, fw, q, k, v, mask=np.array([[False, True]]))
    assert_close(got, [[3.0]], dtype=dt, what="the output with key 0 masked")


def test_single_head(impl, fw):
    """Unbatched (L, d) inputs match softmax(q k^T / sqrt(d)) v."""
    rng = np.random.default_rng(0)
    q, k, v = rand(rng, 5, 8), rand(rng, 5, 8), rand(rng, 5, 8)
    got, dt = run(impl, fw, q, k, v)
    assert_close(got, reference(q, k, v), dtype=dt)


def test_batched_heads(impl, fw):
    """(batch, heads, L, d) inputs: attention runs independently per batch and head."""
    rng = np.random.default_rng(1)
    q, k, v = rand(rng, 2, 3, 4, 8), rand(rng, 2, 3, 4, 8), rand(rng, 2, 3, 4, 8)
    got, dt = run(impl, fw, q, k, v)
    assert_close(got, reference(q, k, v), dtype=dt)


def test_cross_attention_shapes(impl, fw):
    """Lq != Lk and d != dv: the output is (..., Lq, dv) and the scale uses d, the query/key size."""
    rng = np.random.default_rng(2)
    q, k, v = rand(rng, 2, 3, 16), rand(rng, 2, 7, 16), rand(rng, 2, 7, 5)
    got, dt = run(impl, fw, q, k, v)
    assert_close(got, reference(q, k, v), dtype=dt)


def test_float32_inputs(impl, fw):
    """float32 inputs are accepted and the result is accurate to float32 precision."""
    rng = np.random.default_rng(3)
    q, k, v = rand(rng, 2, 6, 16), rand(rng, 2, 6, 16), rand(rng, 2, 6, 4)
    got, dt = run(impl, fw, q, k, v, dtype="float32")
    ref = reference(q.astype(np.float32), k.astype(np.float32), v.astype(np.float32))
    assert_close(got, ref, dtype=dt, rtol=1e-4, atol=1e-5)


def test_float64_inputs_keep_float64_precision(impl, fw):
    """float64 inputs are computed in float64: the result matches the definition to ~1e-10, not float32's ~1e-7."""
    rng = np.random.default_rng(12)
    q, k, v = rand(rng, 2, 3, 8, 32, scale=2.0), rand(rng, 2, 3, 8, 32, scale=2.0), rand(rng, 2, 3, 8, 16)
    got, _ = run(impl, fw, q, k, v)
    check(got.shape == (2, 3, 8, 16), f"the output has shape {tuple(got.shape)}; expected (2, 3, 8, 16)")
    assert_close(got, reference(q, k, v), rtol=1e-10, atol=1e-12,
                 what="the float64 output (a float32 computation or result, softmax included, is off by about 1e-7)")


def test_causal_mask(impl, fw):
    """A (Lq, Lk) causal mask broadcasts over batch and heads; query 0 sees only key 0."""
    rng = np.random.default_rng(4)
    q, k, v = rand(rng, 2, 2, 6, 8), rand(rng, 2, 2, 6, 8), rand(rng, 2, 2, 6, 3)
    mask = np.tril(np.ones((6, 6), dtype=bool))
    got, dt = run(impl, fw, q, k, v, mask)
    assert_close(got, reference(q, k, v, mask), dtype=dt)
    assert_close(got[..., 0, :], v[..., 0, :], dtype=dt, what="the first query's output (it sees only key 0)")


def test_padding_mask(impl, fw):
    """A (B, 1, 1, Lk) padding mask broadcasts over heads and queries."""
    rng = np.random.default_rng(5)
    q, k, v = rand(rng, 2, 3, 4, 8), rand(rng, 2, 3, 5, 8), rand(rng, 2, 3, 5, 8)
    mask = np.array([[True, True, True, False, False], [True, True, True, True, False]])[:, None, None, :]
    got, dt = run(impl, fw, q, k, v, mask)
    assert_close(got, reference(q, k, v, mask), dtype=dt)


def test_masked_keys_have_no_influence(impl, fw):
    """Changing the values and keys at masked positions does not change the output."""
    rng = np.random.default_rng(6)
    q, k, v = rand(rng, 4, 8), rand(rng, 6, 8), rand(rng, 6, 4)
    mask = np.ones((4, 6), dtype=bool)
    mask[:, 4:] = False
    got1, dt = run(impl, fw, q, k, v, mask)
    k2, v2 = k.copy(), v.copy()
    k2[4:] = 50.0
    v2[4:] = 1e3
    got2, _ = run(impl, fw, q, k2, v2, mask)
    assert_close(got2, got1, dtype=dt, what="the output after changing masked keys and values")


def test_mask_none_means_attend_everywhere(impl, fw):
    """mask=None gives the same result as an all-True mask."""
    rng = np.random.default_rng(7)
    q, k, v = rand(rng, 3, 5, 4), rand(rng, 3, 5, 4), rand(rng, 3, 5, 4)
    got_none, dt = run(impl, fw, q, k, v)
    got_true, _ = run(impl, fw, q, k, v, np.ones((5, 5), dtype=bool))
    assert_close(got_true, got_none, dtype=dt, what="the output with an all-True mask")
    assert_close(got_none, reference(q, k, v), dtype=dt)


def test_large_scores_are_stable(impl, fw):
    """Scores in the thousands (exp overflows without the max trick) still give the exact softmax."""
    rng = np.random.default_rng(8)
    q, k, v = rand(rng, 2, 4, 16, scale=30.0), rand(rng, 2, 6, 16, scale=30.0), rand(rng, 2, 6, 4)
    mask = np.ones((4, 6), dtype=bool)
    mask[0, 3:] = False
    got, dt = run(impl, fw, q, k, v, mask)
    assert_close(got, reference(q, k, v, mask), dtype=dt)


def test_large_scores_float32(impl, fw):
    """Large float32 scores stay finite and accurate."""
    rng = np.random.default_rng(9)
    q, k, v = rand(rng, 3, 8, scale=20.0), rand(rng, 5, 8, scale=20.0), rand(rng, 5, 2)
    got, dt = run(impl, fw, q, k, v, dtype="float32")
    ref = reference(q.astype(np.float32), k.astype(np.float32), v.astype(np.float32))
    assert_close(got, ref, dtype=dt, rtol=1e-3, atol=1e-3)


def test_inputs_not_modified(impl, fw):
    """q, k, v and the mask are unchanged after the call."""
    rng = np.random.default_rng(10)
    q, k, v = rand(rng, 2, 4, 8), rand(rng, 2, 4, 8), rand(rng, 2, 4, 8)
    mask = np.tril(np.ones((4, 4), dtype=bool))
    args = [fw.array(a) for a in (q, k, v)]
    m = fw.array(mask)
    impl.scaled_dot_product_attention(*args, mask=m)
    for name, given_, original in zip("qkv", args, (q, k, v)):
        assert_close(fw.to_numpy(given_, what=name), original, what=f"input {name} after the call")
    check(bool((fw.to_numpy(m) == mask).all()), "the mask was modified by the call")


@SETTINGS
@given(
    lq=st.integers(1, 5), lk=st.integers(1, 5), d=st.integers(1, 6), dv=st.integers(1, 4),
    seed=st.integers(0, 2**16), data=st.data(),
)
def test_matches_plain_loop_definition(impl, fw, lq, lk, d, dv, seed, data):
    """On many random small shapes and masks, agrees with a plain loop over queries and keys."""
    rng = np.random.default_rng(seed)
    q, k, v = rand(rng, lq, d), rand(rng, lk, d), rand(rng, lk, dv)
    mask = rng.random((lq, lk)) < 0.6
    mask[np.arange(lq), rng.integers(0, lk, size=lq)] = True  # no row fully masked
    got, dt = run(impl, fw, q, k, v, mask)
    assert_close(got, loop_reference(q, k, v, mask), dtype=dt)


@pytest.mark.framework("torch")
def test_gradients_flow(impl, fw):
    """torch: gradients reach q, k and v and equal autograd through the definition."""
    import torch

    rng = np.random.default_rng(11)
    arrays = [rand(rng, 2, 4, 8), rand(rng, 2, 5, 8), rand(rng, 2, 5, 3)]
    mask = torch.from_numpy(np.tril(np.ones((4, 5), dtype=bool), k=1))
    mine = [torch.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    weight = torch.from_numpy(rand(rng, 2, 4, 3))
    out = impl.scaled_dot_product_attention(*mine, mask=mask)
    check(isinstance(out, torch.Tensor) and out.requires_grad, "the output is not differentiable (detached, or built outside torch)")
    (out * weight).sum().backward()
    q, k, v = theirs
    scores = (q @ k.transpose(-2, -1) / np.sqrt(8)).masked_fill(~mask, float("-inf"))
    (torch.softmax(scores, dim=-1) @ v * weight).sum().backward()
    for name, a, b in zip("qkv", mine, theirs):
        check(a.grad is not None, f"no gradient reached {name}")
        assert_close(fw.to_numpy(a.grad), b.grad.numpy(), what=f"the gradient with respect to {name}")
