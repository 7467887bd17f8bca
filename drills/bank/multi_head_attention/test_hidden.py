"""Hidden suite for `multi_head_attention`. Inputs are built in NumPy and handed over in the user's framework."""

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from postprep.drills.harness import assert_close, check, fail

SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=15)


def loop_reference(x, Wq, Wk, Wv, Wo, n_heads, causal=False):
    """The definition in float64, one (sample, head, query) at a time, for x of shape (T, d) or (B, T, d)."""
    x, Wq, Wk, Wv, Wo = (np.asarray(a, dtype=np.float64) for a in (x, Wq, Wk, Wv, Wo))
    if x.ndim == 3:
        return np.stack([loop_reference(s, Wq, Wk, Wv, Wo, n_heads, causal) for s in x])
    T, d = x.shape
    dh = d // n_heads
    Q, K, V = x @ Wq, x @ Wk, x @ Wv
    concat = np.zeros((T, d))
    for h in range(n_heads):
        cols = slice(h * dh, (h + 1) * dh)
        q, k, v = Q[:, cols], K[:, cols], V[:, cols]
        for i in range(T):
            keys = range(i + 1) if causal else range(T)
            s = np.array([q[i] @ k[j] / math.sqrt(dh) for j in keys])
            w = np.exp(s - s.max())
            w /= w.sum()
            concat[i, cols] = sum(w[n] * v[j] for n, j in enumerate(keys))
    return concat @ Wo


def lower_precision(a, b):
    order = ["float16", "bfloat16", "float32", "float64"]
    return min(a, b, key=lambda d: order.index(d) if d in order else 3)


def weights(rng, d, scale=None):
    scale = 1.0 / math.sqrt(d) if scale is None else scale
    return [rng.standard_normal((d, d)) * scale for _ in range(4)]


def run(impl, fw, x, Ws, n_heads, causal=False, dtype="float64"):
    args = [fw.array(a, dtype) for a in (x, *Ws)]
    out = impl.multi_head_attention(*args, n_heads, causal=causal)
    got = fw.to_numpy(out)
    check(got.shape == x.shape, f"the output has shape {tuple(got.shape)} for x of shape {x.shape}; expected {x.shape}")
    return got, lower_precision(dtype, fw.dtype_name(out))


def test_worked_example(impl, fw):
    """The prompt's worked example (identity projections, 2 heads), without and with the causal mask."""
    x = np.array([[1.0, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 1]])
    Ws = [np.eye(4)] * 4
    e = math.exp(1 / math.sqrt(2))
    p, r = e / (e + 2), 1 / (e + 2)  # head 0, non-causal: softmax([1, 0, 0] / sqrt(2))
    a, b = e / (e + 1), 1 / (e + 1)  # head 0, query 1, causal: softmax([0, 1] / sqrt(2)) = [b, a]
    c = math.exp(math.sqrt(2)) / (math.exp(math.sqrt(2)) + 2)  # head 1, query 2: weight of key 2
    got, dt = run(impl, fw, x, Ws, 2, causal=False)
    assert_close(got, [[p, r, 1 / 3, 1 / 3], [r, p, 1 / 3, 1 / 3], [1 / 3, 1 / 3, c, c]], dtype=dt,
                 what="the output with causal=False")
    got, dt = run(impl, fw, x, Ws, 2, causal=True)
    assert_close(got, [[1, 0, 0, 0], [b, a, 0, 0], [1 / 3, 1 / 3, c, c]], dtype=dt, what="the output with causal=True")


def test_matches_loop_spec_batched(impl, fw):
    """(B, T, d_model) input, 4 heads: matches the per-head loop definition, with and without the causal mask."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 5, 8))
    Ws = weights(rng, 8)
    for causal in (False, True):
        got, dt = run(impl, fw, x, Ws, 4, causal)
        assert_close(got, loop_reference(x, *Ws, 4, causal), dtype=dt, what=f"the output (causal={causal})")


def test_unbatched_input(impl, fw):
    """(T, d_model) input without a batch axis gives a (T, d_model) output equal to the definition."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((6, 6))
    Ws = weights(rng, 6)
    got, dt = run(impl, fw, x, Ws, 3, True)
    assert_close(got, loop_reference(x, *Ws, 3, True), dtype=dt)


def test_head_layout_contiguous_columns(impl, fw):
    """Head h uses columns h*dh:(h+1)*dh of Q, K, V: zeroing one head's block of Wq and Wk makes only that head uniform."""
    rng = np.random.default_rng(2)
    x = rng.standard_normal((5, 8))
    Wq, Wk, Wv, Wo = weights(rng, 8)
    Wq[:, 2:4] = 0.0  # head 1 (dh = 2) gets zero scores: uniform weights over the keys
    got, dt = run(impl, fw, x, (Wq, Wk, Wv, Wo), 4)
    assert_close(got, loop_reference(x, Wq, Wk, Wv, Wo, 4), dtype=dt)
    # the concatenated heads before Wo: take Wo = identity and check head 1's block is the mean of V's block
    got, dt = run(impl, fw, x, (Wq, Wk, Wv, np.eye(8)), 4)
    V = x @ Wv
    assert_close(got[:, 2:4], np.broadcast_to(V[:, 2:4].mean(axis=0), (5, 2)), dtype=dt,
                 what="columns 2:4 of the merged heads (head 1, whose queries are zero)")


def test_scale_is_sqrt_head_dim(impl, fw):
    """Scores are divided by sqrt(dh) = sqrt(d_model / n_heads), not sqrt(d_model)."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((4, 12)) * 2.0
    Ws = weights(rng, 12, scale=0.6)
    for h in (1, 3, 12):
        got, dt = run(impl, fw, x, Ws, h)
        assert_close(got, loop_reference(x, *Ws, h), dtype=dt, what=f"the output with n_heads={h}")


def test_weights_are_applied_as_x_at_W(impl, fw):
    """Projections are x @ W (W of shape (d_model, d_model), input rows times W), checked with non-symmetric W."""
    rng = np.random.default_rng(4)
    x = rng.standard_normal((3, 4, 6))
    Ws = [w + np.triu(np.ones((6, 6))) for w in weights(rng, 6, scale=0.3)]  # far from symmetric
    got, dt = run(impl, fw, x, Ws, 2, True)
    assert_close(got, loop_reference(x, *Ws, 2, True), dtype=dt)


def test_causal_future_tokens_do_not_matter(impl, fw):
    """With causal=True, changing tokens t..T-1 leaves the outputs at positions < t unchanged (and changes later ones)."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 7, 8))
    Ws = weights(rng, 8)
    base, dt = run(impl, fw, x, Ws, 2, True)
    for t in (1, 4, 6):
        x2 = x.copy()
        x2[:, t:] = rng.standard_normal(x2[:, t:].shape) * 3.0
        got, _ = run(impl, fw, x2, Ws, 2, True)
        assert_close(got[:, :t], base[:, :t], dtype=dt, what=f"outputs before position {t} after changing tokens from {t} on")
        check(float(np.abs(got[:, t:] - base[:, t:]).max()) > 1e-3,
              f"changing tokens from position {t} on did not change the outputs there")


def test_first_position_with_causal_mask(impl, fw):
    """With causal=True, position 0 attends only to itself: its output is x0 @ Wv @ Wo."""
    rng = np.random.default_rng(6)
    x = rng.standard_normal((3, 5, 6))
    Wq, Wk, Wv, Wo = weights(rng, 6)
    got, dt = run(impl, fw, x, (Wq, Wk, Wv, Wo), 3, True)
    assert_close(got[:, 0], x[:, 0] @ Wv @ Wo, dtype=dt, what="the output at position 0")


def test_permutation_equivariance_without_mask(impl, fw):
    """Without the causal mask, permuting the tokens permutes the outputs the same way."""
    rng = np.random.default_rng(7)
    x = rng.standard_normal((2, 6, 8))
    Ws = weights(rng, 8)
    perm = np.array([3, 0, 5, 1, 4, 2])
    base, dt = run(impl, fw, x, Ws, 4)
    got, _ = run(impl, fw, x[:, perm], Ws, 4)
    assert_close(got, base[:, perm], dtype=dt, what="the output for permuted tokens")


def test_float32_inputs(impl, fw):
    """float32 inputs are accepted and the result is accurate to float32 precision."""
    rng = np.random.default_rng(8)
    x = rng.standard_normal((2, 6, 16)).astype(np.float32)
    Ws = [w.astype(np.float32) for w in weights(rng, 16)]
    got, dt = run(impl, fw, x, Ws, 4, True, dtype="float32")
    assert_close(got, loop_reference(x, *Ws, 4, True), dtype=dt, rtol=1e-4, atol=1e-5)


def test_float64_inputs_keep_float64_precision(impl, fw):
    """float64 inputs are computed in float64: the result matches the definition to ~1e-10, not float32's ~1e-7."""
    rng = np.random.default_rng(12)
    x = rng.standard_normal((2, 8, 32)) * 2.0
    Ws = weights(rng, 32)
    for causal in (False, True):
        got, _ = run(impl, fw, x, Ws, 4, causal)
        assert_close(got, loop_reference(x, *Ws, 4, causal), rtol=1e-10, atol=1e-11,
                     what=f"the float64 output (causal={causal}; a float32 computation or result, softmax included, is off by about 1e-7)")


def test_large_scores_are_stable(impl, fw):
    """Scores in the hundreds (exp overflows without the max trick) still give the exact result."""
    rng = np.random.default_rng(9)
    x = rng.standard_normal((2, 5, 8)) * 10.0
    Ws = weights(rng, 8, scale=3.0)
    for causal in (False, True):
        got, dt = run(impl, fw, x, Ws, 2, causal)
        assert_close(got, loop_reference(x, *Ws, 2, causal), dtype=dt, what=f"the output (causal={causal})")


def test_n_heads_must_divide_d_model(impl, fw):
    """n_heads that does not divide d_model, or n_heads < 1, raises ValueError."""
    rng = np.random.default_rng(10)
    x = rng.standard_normal((4, 8))
    Ws = weights(rng, 8)
    for n_heads in (3, 5, 16, 0):
        try:
            impl.multi_head_attention(*(fw.array(a) for a in (x, *Ws)), n_heads)
        except ValueError:
            continue
        except Exception as exc:  # noqa: BLE001 - the wrong kind of error is the finding
            fail(f"n_heads={n_heads} with d_model=8 raised {type(exc).__name__}: {exc}; expected ValueError")
        fail(f"n_heads={n_heads} with d_model=8 returned without raising ValueError")


def test_inputs_not_modified(impl, fw):
    """x and the four weight matrices are unchanged after the call."""
    rng = np.random.default_rng(11)
    x = rng.standard_normal((2, 4, 8))
    Ws = weights(rng, 8)
    args = [fw.array(a) for a in (x, *Ws)]
    impl.multi_head_attention(*args, 2, causal=True)
    for name, given_, original in zip(("x", "Wq", "Wk", "Wv", "Wo"), args, (x, *Ws)):
        assert_close(fw.to_numpy(given_, what=name), original, what=f"input {name} after the call")


@SETTINGS
@given(
    b=st.integers(1, 3), t=st.integers(1, 6), n_heads=st.sampled_from([1, 2, 3]), dh=st.integers(1, 4),
    causal=st.booleans(), seed=st.integers(0, 2**16),
)
def test_matches_loop_spec_random_shapes(impl, fw, b, t, n_heads, dh, causal, seed):
    """On many random shapes, head counts and mask settings, agrees with the per-head loop definition."""
    rng = np.random.default_rng(seed)
    d = n_heads * dh
    x = rng.standard_normal((b, t, d))
    Ws = weights(rng, d)
    got, dt = run(impl, fw, x, Ws, n_heads, causal)
    assert_close(got, loop_reference(x, *Ws, n_heads, causal), dtype=dt)


@pytest.mark.framework("torch")
def test_gradients_flow(impl, fw):
    """torch: gradients reach x and all four weight matrices and equal autograd through the definition."""
    import torch

    rng = np.random.default_rng(12)
    arrays = [rng.standard_normal((2, 5, 6)), *weights(rng, 6)]
    mine = [torch.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    probe = torch.from_numpy(rng.standard_normal((2, 5, 6)))
    out = impl.multi_head_attention(*mine, 3, causal=True)
    check(isinstance(out, torch.Tensor) and out.requires_grad, "the output is not differentiable (detached, or built outside torch)")
    (out * probe).sum().backward()
    x, Wq, Wk, Wv, Wo = theirs
    split = lambda t: t.reshape(2, 5, 3, 2).transpose(1, 2)  # noqa: E731
    q, k, v = split(x @ Wq), split(x @ Wk), split(x @ Wv)
    s = (q @ k.transpose(-1, -2) / math.sqrt(2)).masked_fill(torch.ones(5, 5, dtype=torch.bool).triu(1), float("-inf"))
    ((torch.softmax(s, -1) @ v).transpose(1, 2).reshape(2, 5, 6) @ Wo * probe).sum().backward()
    for name, a, b in zip(("x", "Wq", "Wk", "Wv", "Wo"), mine, theirs):
        check(a.grad is not None, f"no gradient reached {name}")
        assert_close(fw.to_numpy(a.grad), b.grad.numpy(), what=f"the gradient with respect to {name}")
