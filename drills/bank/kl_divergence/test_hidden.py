"""Hidden suite for `kl_divergence`: exact KL(p || q) for categoricals in log space, and the k1/k2/k3
estimators (samples x ~ p, log r = log q(x) - log p(x)). References are float64 NumPy and loops."""

import math

import numpy as np
import pytest
from hypothesis import Phase, given, settings, strategies as st

from postprep.drills.harness import assert_close, assert_finite, check

# No shrinking: a wrong answer fails on its first counterexample instead of spending the time limit.
SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=25, phases=(Phase.explicit, Phase.generate))
NAMES = ("k1", "k2", "k3")


def log_softmax(z):
    z = np.asarray(z, dtype=np.float64)
    m = np.max(np.where(np.isfinite(z), z, -np.inf), axis=-1, keepdims=True)
    return z - (m + np.log(np.exp(z - m).sum(-1, keepdims=True)))


def random_logprobs(rng, shape, k, scale=2.0, zero_frac=0.0):
    """Log-probabilities over the last axis; a fraction of categories set to probability 0 (-inf), never all."""
    z = rng.standard_normal((*shape, k)) * scale
    if zero_frac:
        zero = rng.random(z.shape) < zero_frac
        zero[..., 0] = False
        z = np.where(zero, -np.inf, z)
    return log_softmax(z)


def kl_reference(logp, logq):
    """float64 exact KL(p || q) with the zero rules."""
    logp, logq = np.asarray(logp, dtype=np.float64), np.asarray(logq, dtype=np.float64)
    support = logp > -np.inf
    diff = np.where(support, logp - np.where(support, logq, 0.0), 0.0)
    terms = np.where(support & (logq == -np.inf), np.inf, np.exp(logp) * diff)
    return np.sum(terms, axis=-1)


def kl_loop(logp, logq):
    """The definition, category by category, with Python floats."""
    out = np.zeros(np.shape(logp)[:-1])
    for idx in np.ndindex(*out.shape):
        total = 0.0
        for lp, lq in zip(logp[idx], logq[idx]):
            lp, lq = float(lp), float(lq)
            if lp == -math.inf:
                continue
            total += math.inf if lq == -math.inf else math.exp(lp) * (lp - lq)  # p > 0 = q: +inf
        out[idx] = total
    return out


def estimators_reference(logp_x, logq_x):
    lr = np.asarray(logq_x, dtype=np.float64) - np.asarray(logp_x, dtype=np.float64)
    return -lr, 0.5 * lr * lr, np.expm1(lr) - lr


def lower_precision(a, b):
    order = ["float16", "bfloat16", "float32", "float64"]
    return min(a, b, key=lambda d: order.index(d) if d in order else 3)


def run_kl(impl, fw, logp, logq, dtype="float64"):
    out = impl.kl_categorical(fw.array(logp, dtype), fw.array(logq, dtype))
    got = fw.to_numpy(out, what="the KL")
    shape = np.shape(logp)[:-1]
    check(got.shape == shape, f"the KL has shape {tuple(got.shape)} for inputs of shape {np.shape(logp)}; expected {shape} (a sum over the last axis)")
    return got, lower_precision(dtype, fw.dtype_name(out) if hasattr(out, "dtype") else "float64")


def compare_kl(got, expected, dt, what="the KL", **tol):
    """assert_close, plus exact checks where the reference is +inf (assert_close skips those)."""
    expected = np.asarray(expected, dtype=np.float64)
    check(not np.isnan(got).any(), f"{what} contains nan")
    inf = np.isposinf(expected)
    if inf.any():
        idx = tuple(int(i) for i in np.argwhere(inf)[0])
        check(bool(np.isposinf(got[inf]).all()), f"{what} should be +inf where p > 0 and q = 0 (e.g. at index {idx}), got {got[idx]}")
    assert_close(got, expected, dtype=dt, what=what, **tol)


def run_est(impl, fw, logp_x, logq_x, dtype="float64"):
    out = impl.kl_estimators(fw.array(logp_x, dtype), fw.array(logq_x, dtype))
    check(isinstance(out, (tuple, list)) and len(out) == 3, f"kl_estimators returned {type(out).__name__}; expected a tuple (k1, k2, k3)")
    got = tuple(fw.to_numpy(v, what=name) for v, name in zip(out, NAMES))
    for g, name in zip(got, NAMES):
        check(g.shape == np.shape(logp_x), f"{name} has shape {tuple(g.shape)}; expected the inputs' shape {np.shape(logp_x)} (one value per sample)")
    return got, lower_precision(dtype, fw.dtype_name(out[0]))


def test_exact_worked_examples(impl, fw):
    """The prompt's examples: 0.368064, 0 for equal distributions, log 2 with a p = 0 category, +inf the other way."""
    got, dt = run_kl(impl, fw, np.log([0.9, 0.1]), np.log([0.5, 0.5]))
    compare_kl(got, 0.3680642071684971, dt, what="KL([0.9, 0.1] || [0.5, 0.5])")
    got, dt = run_kl(impl, fw, np.log([0.5, 0.1, 0.4]), np.log([0.5, 0.1, 0.4]))
    compare_kl(got, 0.0, dt, what="KL(p || p)")
    with np.errstate(divide="ignore"):
        lp, lq = np.log([0.5, 0.5, 0.0]), np.log([0.25, 0.25, 0.5])
    got, dt = run_kl(impl, fw, lp, lq)
    compare_kl(got, math.log(2.0), dt, what="KL([0.5, 0.5, 0] || [0.25, 0.25, 0.5])")
    got, dt = run_kl(impl, fw, lq, lp)
    compare_kl(got, math.inf, dt, what="KL([0.25, 0.25, 0.5] || [0.5, 0.5, 0])")


def test_exact_batched(impl, fw):
    """(B, T, K) inputs: one KL per (b, t), a sum over the last axis, matching the definition."""
    rng = np.random.default_rng(0)
    logp, logq = random_logprobs(rng, (3, 4), 7), random_logprobs(rng, (3, 4), 7)
    got, dt = run_kl(impl, fw, logp, logq)
    compare_kl(got, kl_reference(logp, logq), dt)


def test_exact_direction_and_nonnegativity(impl, fw):
    """KL(p || q) is not KL(q || p); both are >= 0, and KL(p || p) = 0."""
    rng = np.random.default_rng(1)
    logp, logq = random_logprobs(rng, (6,), 5, scale=1.5), random_logprobs(rng, (6,), 5, scale=1.5)
    forward, dt = run_kl(impl, fw, logp, logq)
    backward, _ = run_kl(impl, fw, logq, logp)
    compare_kl(forward, kl_reference(logp, logq), dt, what="KL(p || q)")
    compare_kl(backward, kl_reference(logq, logp), dt, what="KL(q || p)")
    check(bool((forward > -1e-6).all() and (backward > -1e-6).all()), "a KL came out negative")
    same, _ = run_kl(impl, fw, logp, logp.copy())
    compare_kl(same, np.zeros(6), dt, what="KL(p || p)")


def test_exact_zero_probability_rules(impl, fw):
    """p = 0 categories add 0 (also where q = 0); p > 0 with q = 0 gives +inf, even if exp(log p) underflows; never nan."""
    with np.errstate(divide="ignore"):
        logp = np.log([[0.5, 0.5, 0.0, 0.0], [0.2, 0.3, 0.5, 0.0], [1.0, 0.0, 0.0, 0.0], [0.25, 0.25, 0.25, 0.25]])
        logq = np.log([[0.4, 0.4, 0.2, 0.0], [0.2, 0.3, 0.0, 0.5], [0.7, 0.3, 0.0, 0.0], [0.1, 0.2, 0.3, 0.4]])
    got, dt = run_kl(impl, fw, logp, logq)
    expected = np.array([math.log(0.5 / 0.4), math.inf, math.log(1.0 / 0.7), kl_loop(logp[3:], logq[3:])[0]])
    compare_kl(got, expected, dt, what="the KL of rows with zero probabilities")
    # p(x) = e^-800 > 0 (exp underflows to 0) where q(x) = 0: still +inf, not 0 * inf = nan
    got, dt = run_kl(impl, fw, log_softmax(np.array([[0.0, -800.0, 1.0]])), np.array([[math.log(0.5), -np.inf, math.log(0.5)]]))
    compare_kl(got, [math.inf], dt, what="the KL where p(x) = e^-800 (underflows) and q(x) = 0")


def test_exact_tiny_probabilities(impl, fw):
    """Log-probabilities of -800 (float64) and -120 (float32), whose exp underflows, give finite, correct KLs."""
    for dtype, tiny in (("float64", -800.0), ("float32", -120.0)):
        logp = log_softmax(np.array([[0.0, 1.0, tiny, tiny + 5.0], [tiny, 0.0, 0.5, tiny]]))
        logq = log_softmax(np.array([[tiny, 0.5, 0.0, 1.0], [0.0, tiny, 1.0, 2.0]]))
        logp, logq = logp.astype(dtype), logq.astype(dtype)
        got, dt = run_kl(impl, fw, logp, logq, dtype=dtype)
        assert_finite(got, what=f"the KL with log-probabilities of {tiny:g} ({dtype})")
        tol = {"rtol": 1e-5, "atol": 1e-4} if dt == "float32" else {}
        compare_kl(got, kl_reference(logp, logq), dt, what=f"the KL with log-probabilities of {tiny:g} ({dtype})", **tol)


def test_exact_float32(impl, fw):
    """float32 log-probabilities are accepted and the KL is accurate to float32 precision."""
    rng = np.random.default_rng(2)
    logp = random_logprobs(rng, (5,), 9, zero_frac=0.2).astype(np.float32)
    logq = random_logprobs(rng, (5,), 9).astype(np.float32)
    got, dt = run_kl(impl, fw, logp, logq, dtype="float32")
    compare_kl(got, kl_reference(logp, logq), dt, rtol=1e-4, atol=1e-5)


def test_outputs_keep_the_inputs_precision(impl, fw):
    """float64 inputs give float64 results (the KL and k1, k2, k3); float32 inputs give float32 or float64, never less."""
    rng = np.random.default_rng(11)
    logp, logq = random_logprobs(rng, (3,), 5), random_logprobs(rng, (3,), 5)
    logp_x = -rng.uniform(0.01, 5.0, size=(3, 4))
    logq_x = logp_x + rng.normal(0.0, 1.0, size=(3, 4))
    for dtype, allowed in (("float64", ("float64",)), ("float32", ("float32", "float64"))):
        out = impl.kl_categorical(fw.array(logp, dtype), fw.array(logq, dtype))
        fw.to_numpy(out, what="the KL")
        got = fw.dtype_name(out) if hasattr(out, "dtype") else "float64"
        check(got in allowed, f"the KL is {got} for {dtype} inputs; expected {' or '.join(allowed)} (the inputs' precision or higher)")
        out = impl.kl_estimators(fw.array(logp_x, dtype), fw.array(logq_x, dtype))
        check(isinstance(out, (tuple, list)) and len(out) == 3, f"kl_estimators returned {type(out).__name__}; expected a tuple (k1, k2, k3)")
        for value, name in zip(out, NAMES):
            fw.to_numpy(value, what=name)
            got = fw.dtype_name(value)
            check(got in allowed, f"{name} is {got} for {dtype} inputs; expected {' or '.join(allowed)} (the inputs' precision or higher)")


def test_estimators_worked_example(impl, fw):
    """The prompt's example: k1, k2, k3 for samples of p = [0.9, 0.1] with q = [0.5, 0.5]."""
    got, dt = run_est(impl, fw, np.log([0.9, 0.1]), np.log([0.5, 0.5]))
    expected = ([0.5877866649021191, -1.6094379124341], [0.172746581718378, 1.2951451969901169], [0.14334222045767459, 2.390562087565898])
    for g, e, name in zip(got, expected, NAMES):
        assert_close(g, e, dtype=dt, what=name)


def test_estimators_match_definitions(impl, fw):
    """Random (B, T) sample log-probs, float64 and float32: k1 = -log r, k2 = (log r)^2 / 2, k3 = (r - 1) - log r."""
    rng = np.random.default_rng(3)
    logp_x = -rng.uniform(0.01, 8.0, size=(4, 6))
    logq_x = logp_x + rng.normal(0.0, 1.5, size=(4, 6))
    for dtype in ("float64", "float32"):
        lp, lq = logp_x.astype(dtype), logq_x.astype(dtype)
        got, dt = run_est(impl, fw, lp, lq, dtype=dtype)
        tol = {"rtol": 1e-5, "atol": 1e-5} if dt == "float32" else {}
        for g, e, name in zip(got, estimators_reference(lp, lq), NAMES):
            assert_close(g, e, dtype=dt, what=f"{name} ({dtype})", **tol)


def test_k3_is_nonnegative(impl, fw):
    """k3 >= 0 for every sample, with |log r| from one rounding unit (1e-16) to 30 (r - 1 must not round away)."""
    tiny = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 7.0]) * 2.0**-53
    small = np.array([1e-15, 1e-13, 1e-12, 1e-10, 3e-9, 1e-7, 1e-5, 1e-3])
    large = np.array([0.1, 1.0, 5.0, 30.0])
    logp_x = np.concatenate([np.full(2 * (tiny.size + small.size), -0.6), np.full(2 * large.size, -35.0)])
    log_r = np.concatenate([tiny, -tiny, small, -small, large, -large])
    logq_x = logp_x + log_r
    got, dt = run_est(impl, fw, logp_x, logq_x)
    k3 = got[2]
    worst = int(np.argmin(k3))
    check(bool((k3 >= 0).all()), f"k3 is negative for log r = {logq_x[worst] - logp_x[worst]:g} (got {k3[worst]:g}); compute r - 1 with expm1")
    assert_close(k3, estimators_reference(logp_x, logq_x)[2], dtype=dt, what="k3")


def test_estimators_q_zero(impl, fw):
    """A sample with q(x) = 0 (log q = -inf) gives k1 = k2 = k3 = +inf; the other samples are unaffected."""
    logp_x = np.log([0.3, 0.5, 0.2])
    logq_x = np.array([math.log(0.1), -np.inf, math.log(0.6)])
    got, dt = run_est(impl, fw, logp_x, logq_x)
    for g, e, name in zip(got, estimators_reference(logp_x, logq_x), NAMES):
        check(bool(np.isposinf(g[1])), f"{name} for a sample with q(x) = 0 should be +inf, got {g[1]}")
        assert_close(g[[0, 2]], e[[0, 2]], dtype=dt, what=f"{name} for the samples with q(x) > 0")


@pytest.mark.parametrize("spread", [0.3, 1.0])
def test_k1_and_k3_are_unbiased(impl, fw, spread):
    """Over 20000 samples x ~ p (fixed seed), the means of k1 and k3 match the exact KL(p || q) within 4.5 standard errors."""
    rng = np.random.default_rng(4 if spread < 0.5 else 5)
    logits = rng.standard_normal(6)
    logp, logq = log_softmax(logits), log_softmax(logits + spread * rng.standard_normal(6))
    kl = float(kl_reference(logp, logq))
    n = 20000
    x = rng.choice(6, size=n, p=np.exp(logp))
    (k1, k2, k3), _ = run_est(impl, fw, logp[x], logq[x])
    for k, name in ((k1, "k1"), (k3, "k3")):
        se = k.std() / math.sqrt(n)
        z = (k.mean() - kl) / se
        check(abs(z) < 4.5, f"the mean of {name} over {n} samples of p is {k.mean():.5f}, but KL(p || q) = {kl:.5f} ({z:+.1f} standard errors): {name} should be unbiased")
    check(bool(k2.min() >= 0), "k2 is negative for some sample")
    if spread < 0.5:
        check(bool(k3.var() < k1.var()), f"for close p and q, k3 should have a lower variance than k1 (got {k3.var():.3g} vs {k1.var():.3g})")


def test_inputs_not_modified(impl, fw):
    """The inputs of both functions are unchanged after the calls."""
    rng = np.random.default_rng(6)
    logp, logq = random_logprobs(rng, (3,), 5, zero_frac=0.3), random_logprobs(rng, (3,), 5)
    a, b = fw.array(logp), fw.array(logq)
    impl.kl_categorical(a, b)
    check(bool((fw.to_numpy(a, what="logp") == logp).all()), "kl_categorical modified logp")
    check(bool((fw.to_numpy(b, what="logq") == logq).all()), "kl_categorical modified logq")
    lp, lq = logp[:, 0].copy(), logq[:, 0].copy()
    a, b = fw.array(lp), fw.array(lq)
    impl.kl_estimators(a, b)
    check(bool((fw.to_numpy(a, what="logp_x") == lp).all()), "kl_estimators modified logp_x")
    check(bool((fw.to_numpy(b, what="logq_x") == lq).all()), "kl_estimators modified logq_x")


@SETTINGS
@given(
    lead=st.lists(st.integers(1, 3), min_size=0, max_size=2), k=st.integers(1, 6),
    zero_p=st.sampled_from([0.0, 0.3]), zero_q=st.sampled_from([0.0, 0.3]),
    scale=st.sampled_from([0.1, 2.0, 30.0]), seed=st.integers(0, 2**16),
)
def test_exact_matches_plain_loop_definition(impl, fw, lead, k, zero_p, zero_q, scale, seed):
    """On random shapes, zero patterns and scales (float64), the exact KL agrees with a plain loop over categories."""
    rng = np.random.default_rng(seed)
    logp = random_logprobs(rng, lead, k, scale, zero_p)
    logq = random_logprobs(rng, lead, k, scale, zero_q)
    got, dt = run_kl(impl, fw, logp, logq)
    compare_kl(got, kl_loop(logp, logq), dt, what=f"the KL for inputs of shape {(*lead, k)}")


@pytest.mark.framework("torch")
def test_gradients(impl, fw):
    """torch: gradients of the exact KL and of k1, k2, k3 match autograd of the definitions; finite with p = 0 categories."""
    import torch

    rng = np.random.default_rng(7)
    logp = random_logprobs(rng, (3,), 5, zero_frac=0.3)
    logq = random_logprobs(rng, (3,), 5)
    logq[0, np.isinf(logp[0])] = -np.inf  # q = 0 where p = 0: still a finite KL
    logq = log_softmax(logq)
    w = torch.from_numpy(rng.standard_normal(3))
    mine = [torch.tensor(a, requires_grad=True) for a in (logp, logq)]
    out = impl.kl_categorical(*mine)
    check(isinstance(out, torch.Tensor) and out.requires_grad, "the KL is not differentiable (detached, or built outside torch)")
    (out * w).sum().backward()
    support = ~np.isinf(logp)
    p = np.exp(logp)
    expected_p = np.where(support, p * (np.where(support, logp, 0) - np.where(support, logq, 0) + 1.0), 0.0) * w.numpy()[:, None]
    expected_q = -p * w.numpy()[:, None]
    for name, t, e in (("logp", mine[0], expected_p), ("logq", mine[1], expected_q)):
        check(t.grad is not None, f"no gradient reached {name}")
        g = fw.to_numpy(t.grad, what=f"the gradient with respect to {name}")
        assert_finite(g, what=f"the gradient of the KL with respect to {name} (p = 0 categories must get 0)")
        assert_close(g, e, what=f"the gradient of the KL with respect to {name}")

    logp_x = -rng.uniform(0.1, 5.0, size=8)
    logq_x = logp_x + rng.normal(0.0, 1.0, size=8)
    lr = logq_x - logp_x
    derivs = {"k1": -np.ones(8), "k2": lr, "k3": np.expm1(lr)}  # d k / d log r
    for i, name in enumerate(NAMES):
        mine = [torch.tensor(a, requires_grad=True) for a in (logp_x, logq_x)]
        out = impl.kl_estimators(*mine)[i]
        check(isinstance(out, torch.Tensor) and out.requires_grad, f"{name} is not differentiable")
        out.sum().backward()
        assert_close(fw.to_numpy(mine[1].grad), derivs[name], what=f"the gradient of {name} with respect to logq_x")
        assert_close(fw.to_numpy(mine[0].grad), -derivs[name], what=f"the gradient of {name} with respect to logp_x")
