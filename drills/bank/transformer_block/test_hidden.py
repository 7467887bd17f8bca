"""Hidden suite for `transformer_block` (torch only). Inputs are built in NumPy, references computed in float64."""

import math

import numpy as np
import torch
from hypothesis import Phase, given, settings, strategies as st

from postprep.drills.harness import assert_close, check, fail

SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=12,
                    phases=(Phase.explicit, Phase.generate))  # no shrinking: a failure is reported at once
NAMES = ("ln1.weight", "ln1.bias", "attn.wq", "attn.bq", "attn.wk", "attn.bk", "attn.wv", "attn.bv",
         "attn.wo", "attn.bo", "ln2.weight", "ln2.bias", "ffn.w1", "ffn.b1", "ffn.w2", "ffn.b2")
F32 = {"rtol": 1e-4, "atol": 1e-5}


def make_params(rng, d, d_ff, scale=1.0):
    """Random parameters with realistic sizes: LN weights near 1, projections ~ 1/sqrt(fan_in)."""
    p = {}
    for ln in ("ln1", "ln2"):
        p[f"{ln}.weight"] = 1.0 + 0.3 * rng.standard_normal(d)
        p[f"{ln}.bias"] = 0.3 * rng.standard_normal(d)
    for w in ("wq", "wk", "wv", "wo"):
        p[f"attn.{w}"] = scale * rng.standard_normal((d, d)) / math.sqrt(d)
        p[f"attn.b{w[1]}"] = 0.2 * rng.standard_normal(d)
    p["ffn.w1"] = scale * rng.standard_normal((d, d_ff)) / math.sqrt(d)
    p["ffn.b1"] = 0.2 * rng.standard_normal(d_ff)
    p["ffn.w2"] = scale * rng.standard_normal((d_ff, d)) / math.sqrt(d_ff)
    p["ffn.b2"] = 0.2 * rng.standard_normal(d)
    return p


def layer_norm(z, w, b, eps):
    """Per token: (z - mean) / sqrt(biased variance + eps) * w + b."""
    out = np.empty_like(z)
    for idx in np.ndindex(*z.shape[:-1]):
        v = z[idx]
        mean = sum(v) / len(v)
        var = sum((vi - mean) ** 2 for vi in v) / len(v)
        out[idx] = (v - mean) / math.sqrt(var + eps) * w + b
    return out


def attention(z, p, n_heads):
    """Causal multi-head attention with biases, one (sample, head, query) at a time."""
    *lead, T, d = z.shape
    dh = d // n_heads
    Q, K, V = (z @ p[f"attn.w{c}"] + p[f"attn.b{c}"] for c in "qkv")
    concat = np.zeros_like(z)
    for idx in np.ndindex(*lead):
        for h in range(n_heads):
            cols = slice(h * dh, (h + 1) * dh)
            q, k, v = Q[idx][:, cols], K[idx][:, cols], V[idx][:, cols]
            for i in range(T):
                s = np.array([q[i] @ k[j] / math.sqrt(dh) for j in range(i + 1)])
                w = np.exp(s - s.max())
                w /= w.sum()
                concat[idx + (i, cols)] = sum(w[j] * v[j] for j in range(i + 1))
    return concat @ p["attn.wo"] + p["attn.bo"]


def gelu(u):
    """Exact GELU: u * Phi(u) = 0.5 u (1 + erf(u / sqrt 2))."""
    return 0.5 * u * (1.0 + np.vectorize(math.erf)(u / math.sqrt(2.0)))


def reference(x, p, n_heads, pre_norm=True, eps=1e-5):
    x = np.asarray(x, dtype=np.float64)
    p = {k: np.asarray(v, dtype=np.float64) for k, v in p.items()}
    ln = lambda z, name: layer_norm(z, p[f"{name}.weight"], p[f"{name}.bias"], eps)  # noqa: E731
    ffn = lambda z: gelu(z @ p["ffn.w1"] + p["ffn.b1"]) @ p["ffn.w2"] + p["ffn.b2"]  # noqa: E731
    if pre_norm:
        h = x + attention(ln(x, "ln1"), p, n_heads)
        return h + ffn(ln(h, "ln2"))
    h = ln(x + attention(x, p, n_heads), "ln1")
    return ln(h + ffn(h), "ln2")


def tensors(p, dtype=torch.float64, requires_grad=False):
    return {k: torch.tensor(np.asarray(v), dtype=dtype, requires_grad=requires_grad) for k, v in p.items()}


def run(impl, fw, x, p, n_heads, pre_norm=None, eps=None, dtype=torch.float64):
    kwargs = {}
    if pre_norm is not None:
        kwargs["pre_norm"] = pre_norm
    if eps is not None:
        kwargs["eps"] = eps
    out = impl.transformer_block(torch.tensor(x, dtype=dtype), tensors(p, dtype), n_heads, **kwargs)
    got = fw.to_numpy(out)
    check(got.shape == x.shape, f"the output has shape {tuple(got.shape)} for x of shape {x.shape}; expected {x.shape}")
    return got, fw.dtype_name(out)


def zero_params(d, d_ff):
    p = {k: np.zeros(d) for k in ("ln1.bias", "ln2.bias", "attn.bq", "attn.bk", "attn.bv", "attn.bo", "ffn.b2")}
    p.update({"ln1.weight": np.ones(d), "ln2.weight": np.ones(d), "ffn.b1": np.zeros(d_ff),
              "ffn.w1": np.zeros((d, d_ff)), "ffn.w2": np.zeros((d_ff, d))})
    p.update({f"attn.w{c}": np.zeros((d, d)) for c in "qkvo"})
    return p


def test_worked_example(impl, fw):
    """The prompt's example: zero weights, attn.bo and ffn.b2 set; pre-norm gives x + bo + b2, post-norm two LayerNorms."""
    p = zero_params(4, 8)
    p["attn.bo"] = np.array([1.0, 0, 0, 0])
    p["ffn.b2"] = np.array([0, 0, 0, 2.0])
    x = np.array([[1.0, 2, 3, 4], [0, 0, 0, 8]])
    got, dt = run(impl, fw, x, p, 2)
    assert_close(got, [[2.0, 2, 3, 6], [1, 0, 0, 10]], dtype=dt, what="the pre-norm output (default pre_norm=True)")
    got, dt = run(impl, fw, x, p, 2, pre_norm=False)
    assert_close(got, reference(x, p, 2, pre_norm=False), dtype=dt, what="the post-norm output")
    assert_close(got, [[-0.77817, -0.77817, -0.11002, 1.66636], [-0.46909, -0.62958, -0.62958, 1.72825]],
                 dtype=dt, rtol=0, atol=1e-4, what="the post-norm output")


def test_pre_norm_matches_spec(impl, fw):
    """pre_norm=True on a (B, T, d) batch: h = x + Attn(LN1(x)), out = h + FFN(LN2(h)), in float64."""
    rng = np.random.default_rng(0)
    p = make_params(rng, 8, 16)
    x = rng.standard_normal((2, 5, 8))
    got, dt = run(impl, fw, x, p, 2, pre_norm=True)
    assert_close(got, reference(x, p, 2, pre_norm=True), dtype=dt)


def test_post_norm_matches_spec(impl, fw):
    """pre_norm=False on a (B, T, d) batch: h = LN1(x + Attn(x)), out = LN2(h + FFN(h)), in float64."""
    rng = np.random.default_rng(1)
    p = make_params(rng, 8, 16)
    x = rng.standard_normal((2, 5, 8))
    got, dt = run(impl, fw, x, p, 4, pre_norm=False)
    assert_close(got, reference(x, p, 4, pre_norm=False), dtype=dt)


def test_unbatched_input(impl, fw):
    """A (T, d) input without a batch axis works in both placements."""
    rng = np.random.default_rng(2)
    p = make_params(rng, 6, 12)
    x = rng.standard_normal((4, 6))
    for pre in (True, False):
        got, dt = run(impl, fw, x, p, 3, pre_norm=pre)
        assert_close(got, reference(x, p, 3, pre_norm=pre), dtype=dt, what=f"the output (pre_norm={pre})")


def test_norm_placements_differ(impl, fw):
    """pre_norm=True and pre_norm=False give different outputs, and the default is pre-norm."""
    rng = np.random.default_rng(3)
    p = make_params(rng, 8, 16)
    x = rng.standard_normal((3, 8)) * 2.0
    default, dt = run(impl, fw, x, p, 2)
    pre, _ = run(impl, fw, x, p, 2, pre_norm=True)
    post, _ = run(impl, fw, x, p, 2, pre_norm=False)
    assert_close(default, pre, dtype=dt, what="the output with the default pre_norm (compared with pre_norm=True)")
    check(float(np.abs(pre - post).max()) > 1e-2, "pre_norm=True and pre_norm=False give the same output")


def test_causal(impl, fw):
    """Changing tokens t..T-1 leaves the outputs at positions < t unchanged, in both placements."""
    rng = np.random.default_rng(4)
    p = make_params(rng, 8, 16)
    x = rng.standard_normal((2, 6, 8))
    for pre in (True, False):
        base, dt = run(impl, fw, x, p, 2, pre_norm=pre)
        for t in (1, 4):
            x2 = x.copy()
            x2[:, t:] = rng.standard_normal(x2[:, t:].shape) * 3.0
            got, _ = run(impl, fw, x2, p, 2, pre_norm=pre)
            assert_close(got[:, :t], base[:, :t], dtype=dt,
                         what=f"outputs before position {t} after changing later tokens (pre_norm={pre})")


def test_layer_norm_uses_biased_variance_and_eps(impl, fw):
    """LayerNorm divides by the biased variance (mean over d) plus eps inside the sqrt; nearly constant tokens show eps."""
    rng = np.random.default_rng(5)
    p = make_params(rng, 8, 16)
    x = 3.0 + 1e-3 * rng.standard_normal((2, 4, 8))  # per-token variance ~1e-6, comparable to eps
    for pre in (True, False):
        for eps in (None, 1e-3):
            got, dt = run(impl, fw, x, p, 2, pre_norm=pre, eps=eps)
            want = reference(x, p, 2, pre_norm=pre, eps=1e-5 if eps is None else eps)
            assert_close(got, want, dtype=dt, what=f"the output (pre_norm={pre}, eps={eps or 'default 1e-5'})")


def test_exact_gelu(impl, fw):
    """The FFN uses the exact erf GELU (not tanh, not ReLU): large pre-activations with negative parts."""
    rng = np.random.default_rng(6)
    p = make_params(rng, 4, 32, scale=2.5)
    x = rng.standard_normal((3, 4)) * 2.0
    got, dt = run(impl, fw, x, p, 1)
    assert_close(got, reference(x, p, 1), dtype=dt)


def test_float32_inputs(impl, fw):
    """float32 input and parameters are accepted and accurate to float32 precision."""
    rng = np.random.default_rng(7)
    p = {k: v.astype(np.float32) for k, v in make_params(rng, 16, 32).items()}
    x = rng.standard_normal((2, 6, 16)).astype(np.float32)
    for pre in (True, False):
        got, dt = run(impl, fw, x, p, 4, pre_norm=pre, dtype=torch.float32)
        check(dt == "float32", f"float32 inputs gave a {dt} output; expected float32")
        assert_close(got, reference(x, p, 4, pre_norm=pre), dtype=dt, what=f"the output (pre_norm={pre})", **F32)


def test_float64_inputs_keep_float64_precision(impl, fw):
    """float64 input and parameters are computed in float64: the output matches the definition to ~1e-10, not float32's ~1e-7."""
    rng = np.random.default_rng(12)
    p = make_params(rng, 16, 32)
    x = rng.standard_normal((2, 6, 16)) * 2.0
    for pre_norm in (True, False):
        got, _ = run(impl, fw, x, p, 4, pre_norm=pre_norm)
        assert_close(got, reference(x, p, 4, pre_norm=pre_norm), rtol=1e-10, atol=1e-11,
                     what=f"the float64 output (pre_norm={pre_norm}; float32 layer norms or softmax are off by about 1e-7)")


def test_gradients_reach_every_parameter(impl, fw):
    """Gradients reach x and all 16 parameters, and equal autograd through the definition, in both placements."""
    rng = np.random.default_rng(8)
    p = make_params(rng, 6, 12)
    x = rng.standard_normal((2, 4, 6))
    probe = torch.from_numpy(rng.standard_normal((2, 4, 6)))
    for pre in (True, False):
        mine, theirs = tensors(p, requires_grad=True), tensors(p, requires_grad=True)
        xm, xt = torch.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        out = impl.transformer_block(xm, mine, 3, pre_norm=pre)
        check(isinstance(out, torch.Tensor) and out.requires_grad, "the output is not differentiable (detached, or built outside torch)")
        (out * probe).sum().backward()
        (torch_reference(xt, theirs, 3, pre) * probe).sum().backward()
        for name, a, b in [("x", xm, xt)] + [(k, mine[k], theirs[k]) for k in NAMES]:
            check(a.grad is not None, f"no gradient reached {name} (pre_norm={pre})")
            assert_close(fw.to_numpy(a.grad), b.grad.numpy(), what=f"the gradient with respect to {name} (pre_norm={pre})")


def torch_reference(x, p, n_heads, pre_norm, eps=1e-5):
    """The definition in differentiable torch ops, for the gradient check."""
    def ln(z, name):
        mean = z.mean(-1, keepdim=True)
        var = ((z - mean) ** 2).mean(-1, keepdim=True)
        return (z - mean) / torch.sqrt(var + eps) * p[f"{name}.weight"] + p[f"{name}.bias"]

    def attn(z):
        *lead, T, d = z.shape
        dh = d // n_heads
        split = lambda t: t.reshape(*lead, T, n_heads, dh).transpose(-2, -3)  # noqa: E731
        q, k, v = (split(z @ p[f"attn.w{c}"] + p[f"attn.b{c}"]) for c in "qkv")
        s = (q @ k.transpose(-1, -2) / math.sqrt(dh)).masked_fill(torch.ones(T, T, dtype=torch.bool).triu(1), float("-inf"))
        return (torch.softmax(s, -1) @ v).transpose(-2, -3).reshape(*lead, T, d) @ p["attn.wo"] + p["attn.bo"]

    def ffn(z):
        u = z @ p["ffn.w1"] + p["ffn.b1"]
        return 0.5 * u * (1 + torch.erf(u / math.sqrt(2))) @ p["ffn.w2"] + p["ffn.b2"]

    if pre_norm:
        h = x + attn(ln(x, "ln1"))
        return h + ffn(ln(h, "ln2"))
    h = ln(x + attn(x), "ln1")
    return ln(h + ffn(h), "ln2")


def test_n_heads_must_divide_d_model(impl, fw):
    """n_heads that does not divide d_model, or n_heads < 1, raises ValueError."""
    rng = np.random.default_rng(9)
    p = make_params(rng, 8, 16)
    for n_heads in (3, 16, 0):
        try:
            impl.transformer_block(torch.from_numpy(rng.standard_normal((4, 8))), tensors(p), n_heads)
        except ValueError:
            continue
        except Exception as exc:  # noqa: BLE001 - the wrong kind of error is the finding
            fail(f"n_heads={n_heads} with d_model=8 raised {type(exc).__name__}: {exc}; expected ValueError")
        fail(f"n_heads={n_heads} with d_model=8 returned without raising ValueError")


def test_inputs_not_modified(impl, fw):
    """x and every parameter tensor are unchanged after the call, and the dict keeps its keys."""
    rng = np.random.default_rng(10)
    p = make_params(rng, 8, 16)
    x = rng.standard_normal((2, 3, 8))
    for pre in (True, False):
        given_p, given_x = tensors(p), torch.tensor(x)
        impl.transformer_block(given_x, given_p, 2, pre_norm=pre)
        check(set(given_p) == set(p), f"the params dict's keys changed during the call (pre_norm={pre})")
        assert_close(fw.to_numpy(given_x, what="x"), x, what=f"input x after the call (pre_norm={pre})")
        for k in NAMES:
            assert_close(fw.to_numpy(given_p[k], what=k), p[k], what=f"parameter {k} after the call (pre_norm={pre})")


@SETTINGS
@given(
    b=st.integers(1, 2), t=st.integers(1, 5), n_heads=st.sampled_from([1, 2, 4]), dh=st.integers(1, 3),
    d_ff=st.integers(1, 10), pre=st.booleans(), seed=st.integers(0, 2**16),
)
def test_matches_spec_random_shapes(impl, fw, b, t, n_heads, dh, d_ff, pre, seed):
    """On many random shapes, head counts, FFN sizes and both placements, agrees with the float64 definition."""
    rng = np.random.default_rng(seed)
    d = n_heads * dh
    p = make_params(rng, d, d_ff)
    x = rng.standard_normal((b, t, d))
    got, dt = run(impl, fw, x, p, n_heads, pre_norm=pre)
    assert_close(got, reference(x, p, n_heads, pre_norm=pre), dtype=dt)
