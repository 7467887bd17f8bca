"""Hidden suite for `ppo_loss` (torch only). Inputs are built in NumPy, references computed in float64."""

import math

import numpy as np
import torch
from hypothesis import given, settings, strategies as st

from postprep.drills.harness import assert_close, assert_finite, check, fail

SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=30)
NAMES = ("loss", "policy_loss", "value_loss", "entropy")
ARGS = ("logps", "old_logps", "advantages", "values", "old_values", "returns", "logits", "mask")
F32 = {"rtol": 1e-4, "atol": 1e-5}


def entropy_np(z):
    z = z - z.max(axis=-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    return -(np.exp(logp) * logp).sum(axis=-1)


def reference(lp, old, adv, v, old_v, ret, logits, mask, clip_eps=0.2, value_clip_eps=0.2, vf_coef=0.5, ent_coef=0.01):
    """The four outputs in float64, vectorised."""
    m = mask.astype(np.float64)
    mean = lambda x: float((x * m).sum() / m.sum())  # noqa: E731
    ratio = np.exp(lp - old)
    pg = -mean(np.minimum(ratio * adv, np.clip(ratio, 1 - clip_eps, 1 + clip_eps) * adv))
    v_clip = old_v + np.clip(v - old_v, -value_clip_eps, value_clip_eps)
    vf = 0.5 * mean(np.maximum((v - ret) ** 2, (v_clip - ret) ** 2))
    ent = mean(entropy_np(logits))
    return pg + vf_coef * vf - ent_coef * ent, pg, vf, ent


def loop_reference(lp, old, adv, v, old_v, ret, logits, mask, clip_eps, value_clip_eps, vf_coef, ent_coef):
    """The definition one token at a time."""
    pg = vf = ent = 0.0
    count = 0
    for i in range(lp.shape[0]):
        for t in range(lp.shape[1]):
            if not mask[i, t]:
                continue
            count += 1
            r = math.exp(lp[i, t] - old[i, t])
            a = adv[i, t]
            pg += min(r * a, min(max(r, 1 - clip_eps), 1 + clip_eps) * a)
            vc = old_v[i, t] + min(max(v[i, t] - old_v[i, t], -value_clip_eps), value_clip_eps)
            vf += max((v[i, t] - ret[i, t]) ** 2, (vc - ret[i, t]) ** 2)
            z = [float(x) for x in logits[i, t]]
            top = max(z)
            lse = top + math.log(sum(math.exp(x - top) for x in z))
            ent += -sum(math.exp(x - lse) * (x - lse) for x in z)
    pg, vf, ent = -pg / count, 0.5 * vf / count, ent / count
    return pg + vf_coef * vf - ent_coef * ent, pg, vf, ent


def sample(rng, n, t_len, vocab=5, drift=0.3):
    old = -rng.uniform(0.1, 3.0, (n, t_len))
    lp = old + rng.normal(0.0, drift, (n, t_len))
    adv = rng.normal(0.0, 1.0, (n, t_len))
    old_v = rng.normal(0.0, 1.0, (n, t_len))
    v = old_v + rng.normal(0.0, 0.3, (n, t_len))
    ret = old_v + rng.normal(0.0, 1.0, (n, t_len))
    logits = rng.normal(0.0, 2.0, (n, t_len, vocab))
    lengths = rng.integers(1, t_len + 1, n)
    mask = np.arange(t_len)[None, :] < lengths[:, None]
    return [lp, old, adv, v, old_v, ret, logits, mask]


def tensors(arrays, dtype=torch.float64):
    return [torch.tensor(a, dtype=dtype) for a in arrays[:7]] + [torch.tensor(np.asarray(arrays[7], dtype=bool))]


def unpack(out):
    check(isinstance(out, (tuple, list)) and len(out) == 4,
          f"ppo_loss returned {type(out).__name__}; expected a tuple (loss, policy_loss, value_loss, entropy)")
    for value, name in zip(out, NAMES):
        check(isinstance(value, torch.Tensor) and value.numel() == 1, f"{name} must be a scalar torch tensor (0-dim)")
    return tuple(out)


def run(impl, arrays, dtype=torch.float64, **kwargs):
    out = unpack(impl.ppo_loss(*tensors(arrays, dtype), **kwargs))
    dt = "float32" if out[0].dtype == torch.float32 else "float64"
    return [o.detach().to(torch.float64).reshape(()).numpy() for o in out], dt


def compare(got, expected, dt, label="", **tol):
    for g, e, name in zip(got, expected, NAMES):
        assert_close(g, e, dtype=dt, what=f"{name}{label}", **tol)


def example():
    lp = np.log(np.array([[1.5, 0.5], [0.5, 1.0]]))
    old = np.zeros((2, 2))
    adv = np.array([[1.0, 1.0], [-1.0, 2.0]])
    v = np.array([[0.5, 1.5], [0.0, 0.0]])
    old_v = np.array([[0.0, 1.0], [0.0, 0.0]])
    ret = np.array([[1.0, 0.0], [1.0, 0.0]])
    logits = np.zeros((2, 2, 3))
    logits[0, 0] = [2.0, 0.0, 0.0]
    mask = np.array([[True, True], [True, False]])
    return [lp, old, adv, v, old_v, ret, logits, mask]


def test_worked_example(impl, fw):
    """The prompt's example: policy_loss -0.3, value_loss 0.648333, entropy 0.954266, loss 0.014624."""
    got, dt = run(impl, example())
    compare(got, (0.014624009135883647, -0.3, 0.6483333333333333, 0.9542657530783023), dt)


def test_policy_term(impl, fw):
    """policy_loss = -masked mean of min(ratio * A, clip(ratio, 1 - eps, 1 + eps) * A), for several eps."""
    rng = np.random.default_rng(0)
    arrays = sample(rng, 4, 6, drift=0.5)
    for eps in (0.1, 0.2, 0.3):
        got, dt = run(impl, arrays, clip_eps=eps)
        assert_close(got[1], reference(*arrays, clip_eps=eps)[1], dtype=dt, what=f"policy_loss with clip_eps = {eps}")


def test_value_term_clipped_and_halved(impl, fw):
    """value_loss = 0.5 * masked mean of max((V - R)^2, (V_old + clip(V - V_old, -eps_v, eps_v) - R)^2)."""
    v = np.array([[0.5, 1.5, -0.1, 2.0]])
    old_v = np.array([[0.0, 1.0, 0.0, 2.1]])
    ret = np.array([[1.0, 0.0, -3.0, 2.05]])
    # token 0: clipped error larger (0.64 > 0.25); token 1: plain larger; token 2: inside the clip range; token 3: equal-ish
    arrays = [np.zeros((1, 4)), np.zeros((1, 4)), np.zeros((1, 4)), v, old_v, ret, np.zeros((1, 4, 2)), np.ones((1, 4), dtype=bool)]
    for eps_v in (0.2, 0.05):
        got, dt = run(impl, arrays, value_clip_eps=eps_v)
        assert_close(got[2], reference(*arrays, value_clip_eps=eps_v)[2], dtype=dt, what=f"value_loss with value_clip_eps = {eps_v}")
    rng = np.random.default_rng(1)
    arrays = sample(rng, 3, 5)
    got, dt = run(impl, arrays, value_clip_eps=0.1)
    assert_close(got[2], reference(*arrays, value_clip_eps=0.1)[2], dtype=dt, what="value_loss on a random batch")


def test_entropy_from_logits(impl, fw):
    """entropy = masked mean of -sum softmax(z) log softmax(z) over the vocabulary; uniform logits give log V."""
    rng = np.random.default_rng(2)
    arrays = sample(rng, 3, 4, vocab=7)
    got, dt = run(impl, arrays)
    assert_close(got[3], reference(*arrays)[3], dtype=dt, what="entropy")
    arrays[6] = np.full_like(arrays[6], 3.7)
    got, dt = run(impl, arrays)
    assert_close(got[3], math.log(7), dtype=dt, what="entropy of uniform logits (log V)")


def test_entropy_stable_for_huge_logits(impl, fw):
    """Logits of magnitude 1e4 (float32 and float64) give a finite, correct entropy (about 0 for a peaked row)."""
    rng = np.random.default_rng(3)
    arrays = sample(rng, 2, 3, vocab=4)
    arrays[6] = rng.normal(0.0, 1.0, (2, 3, 4)) * 1e4
    arrays[6][0, 0] = [1e4, 1e4, -1e4, 0.0]  # two tied maxima: entropy log 2
    for dtype in (torch.float64, torch.float32):
        inputs = [np.asarray(a, dtype=np.float32).astype(np.float64) if dtype == torch.float32 and a.dtype != bool else a for a in arrays]
        got, dt = run(impl, inputs, dtype=dtype)
        assert_finite(got[3], what=f"entropy at huge logits ({dt})")
        # float32 logits of 1e4 are spaced ~1e-3 apart: z - logsumexp(z) may round by ~5e-4, which shifts H by as much
        tol = {"rtol": 1e-4, "atol": 2e-3} if dtype == torch.float32 else {}
        assert_close(got[3], reference(*inputs)[3], dtype=dt, what=f"entropy at huge logits ({dt})", **tol)


def test_total_combines_the_terms(impl, fw):
    """loss = policy_loss + vf_coef * value_loss - ent_coef * entropy, for several coefficients."""
    rng = np.random.default_rng(4)
    arrays = sample(rng, 3, 5)
    for vf_coef, ent_coef in ((0.5, 0.01), (1.0, 0.0), (0.1, 0.5)):
        got, dt = run(impl, arrays, vf_coef=vf_coef, ent_coef=ent_coef)
        compare(got, reference(*arrays, vf_coef=vf_coef, ent_coef=ent_coef), dt, f" (vf_coef = {vf_coef}, ent_coef = {ent_coef})")
        assert_close(got[0], got[1] + vf_coef * got[2] - ent_coef * got[3], dtype=dt,
                     what="loss versus policy_loss + vf_coef * value_loss - ent_coef * entropy")


def test_defaults(impl, fw):
    """Called with the eight arrays only: clip_eps 0.2, value_clip_eps 0.2, vf_coef 0.5, ent_coef 0.01."""
    rng = np.random.default_rng(5)
    arrays = sample(rng, 3, 4, drift=0.6)
    got, dt = run(impl, arrays)
    compare(got, reference(*arrays), dt, " with the defaults")


def test_mean_over_all_valid_tokens(impl, fw):
    """Every term is one mean over all the valid tokens of the batch (not a mean per sequence, not over padding)."""
    arrays = example()
    arrays[7] = np.array([[True, True], [True, False]])
    got, dt = run(impl, arrays)
    compare(got, reference(*arrays), dt)
    rng = np.random.default_rng(6)
    arrays = sample(rng, 4, 6)
    arrays[7][0, 1:] = False  # a length-1 sequence next to longer ones
    got, dt = run(impl, arrays)
    compare(got, reference(*arrays), dt, " with ragged lengths")


def test_padding_is_ignored(impl, fw):
    """Any finite values at masked positions (log-probs, advantages, values, logits) change nothing."""
    rng = np.random.default_rng(7)
    arrays = sample(rng, 3, 5)
    base, dt = run(impl, arrays)
    pad = ~arrays[7]
    junk = [a.copy() for a in arrays]
    for k in range(6):
        junk[k][pad] = rng.uniform(-30.0, 30.0, int(pad.sum()))
    junk[6][pad] = rng.uniform(-50.0, 50.0, (int(pad.sum()), junk[6].shape[-1]))
    got, _ = run(impl, junk)
    compare(got, base, dt, " after changing padding positions")


def test_float32_inputs(impl, fw):
    """float32 inputs are accepted and every term is accurate to float32 precision."""
    rng = np.random.default_rng(8)
    arrays = sample(rng, 4, 8)
    arrays = [np.asarray(a, dtype=np.float32).astype(np.float64) if a.dtype != bool else a for a in arrays]
    got, dt = run(impl, arrays, dtype=torch.float32)
    compare(got, reference(*arrays), dt, " (float32)", **F32)


def test_outputs_keep_the_inputs_precision(impl, fw):
    """float64 inputs give four float64 outputs; float32 inputs give float32 or float64, never less."""
    arrays = sample(np.random.default_rng(13), 3, 4)
    for dtype, allowed in ((torch.float64, ("float64",)), (torch.float32, ("float32", "float64"))):
        out = unpack(impl.ppo_loss(*tensors(arrays, dtype)))
        want = str(dtype).replace("torch.", "")
        for value, name in zip(out, NAMES):
            got = str(value.dtype).replace("torch.", "")
            check(got in allowed, f"{name} is {got} for {want} inputs; expected {' or '.join(allowed)} (the inputs' precision or higher)")


def grads(impl, arrays, **kwargs):
    t = tensors(arrays)
    for k in (0, 3, 6):
        t[k].requires_grad_(True)
    loss = unpack(impl.ppo_loss(*t, **kwargs))[0]
    check(loss.requires_grad, "the loss is not differentiable (detached, or built outside torch)")
    loss.reshape(()).backward()
    for k in (0, 3, 6):
        check(t[k].grad is not None, f"no gradient reached {ARGS[k]}")
    return [t[k].grad.numpy() for k in (0, 3, 6)]


def torch_reference(t, clip_eps=0.2, value_clip_eps=0.2, vf_coef=0.5, ent_coef=0.01):
    lp, old, adv, v, old_v, ret, logits, mask = t
    m = mask.double()
    mean = lambda x: (x * m).sum() / m.sum()  # noqa: E731
    ratio = torch.exp(lp - old)
    pg = -mean(torch.min(ratio * adv, torch.clamp(ratio, 1 - clip_eps, 1 + clip_eps) * adv))
    vc = old_v + torch.clamp(v - old_v, -value_clip_eps, value_clip_eps)
    vf = 0.5 * mean(torch.max((v - ret) ** 2, (vc - ret) ** 2))
    logp = torch.log_softmax(logits, -1)
    ent = mean(-(logp.exp() * logp).sum(-1))
    return pg + vf_coef * vf - ent_coef * ent


def test_gradients_match_autograd_reference(impl, fw):
    """Gradients with respect to logps, values and logits equal autograd through the definition."""
    rng = np.random.default_rng(9)
    arrays = sample(rng, 3, 5, drift=0.5)
    for kwargs in ({}, {"clip_eps": 0.1, "value_clip_eps": 0.05, "vf_coef": 1.0, "ent_coef": 0.2}):
        got = grads(impl, arrays, **kwargs)
        t = tensors(arrays)
        for k in (0, 3, 6):
            t[k].requires_grad_(True)
        torch_reference(t, **kwargs).backward()
        for g, k in zip(got, (0, 3, 6)):
            assert_close(g, t[k].grad.numpy(), what=f"the gradient with respect to {ARGS[k]} ({kwargs or 'defaults'})")


def test_clipped_tokens_get_no_policy_gradient(impl, fw):
    """No gradient where the clip binds (A > 0 and ratio > 1 + eps, A < 0 and ratio < 1 - eps); -A * ratio / count elsewhere."""
    ratios = np.array([[1.5, 0.5, 1.1, 0.5, 1.5, 0.95]])
    adv = np.array([[1.0, 1.0, 1.0, -1.0, -1.0, -2.0]])
    z = np.zeros((1, 6))
    arrays = [np.log(ratios), z, adv, z, z, z, np.zeros((1, 6, 3)), np.ones((1, 6), dtype=bool)]
    g_lp, _, _ = grads(impl, arrays, ent_coef=0.0)
    flows = np.array([[False, True, True, False, True, True]])
    assert_close(g_lp, np.where(flows, -adv * ratios / 6, 0.0),
                 what="the gradient with respect to logps (0 exactly where the clip binds)")


def test_clipped_values_get_no_gradient(impl, fw):
    """The value gradient is 0 where the clipped error is the larger one with V outside V_old +- eps_v, and vf_coef (V - R) / count elsewhere."""
    v = np.array([[0.5, 1.5, -0.1]])
    old_v = np.array([[0.0, 1.0, 0.0]])
    ret = np.array([[1.0, 0.0, -3.0]])
    z = np.zeros((1, 3))
    arrays = [z, z, z, v, old_v, ret, np.zeros((1, 3, 2)), np.ones((1, 3), dtype=bool)]
    _, g_v, _ = grads(impl, arrays, vf_coef=0.5, ent_coef=0.0)
    expected = np.array([[0.0, 0.5 * (1.5 - 0.0) / 3, 0.5 * (-0.1 + 3.0) / 3]])
    assert_close(g_v, expected, what="the gradient with respect to values")


def test_mask_without_tokens_raises(impl, fw):
    """A mask with no True entry raises ValueError."""
    arrays = sample(np.random.default_rng(10), 2, 3)
    arrays[7] = np.zeros((2, 3), dtype=bool)
    try:
        impl.ppo_loss(*tensors(arrays))
    except ValueError:
        return
    fail("a mask with no True entry did not raise ValueError")


def test_inputs_not_modified(impl, fw):
    """The eight input tensors are unchanged after the call."""
    rng = np.random.default_rng(11)
    arrays = sample(rng, 3, 4)
    t = tensors(arrays)
    impl.ppo_loss(*t)
    for name, given_, original in zip(ARGS, t, arrays):
        assert_close(given_.detach().to(torch.float64).numpy(), np.asarray(original, dtype=np.float64), what=f"input {name} after the call")


@SETTINGS
@given(
    n=st.integers(1, 3),
    t_len=st.integers(1, 5),
    vocab=st.integers(1, 5),
    clip_eps=st.sampled_from([0.1, 0.2, 0.3]),
    value_clip_eps=st.sampled_from([0.05, 0.2, 1.0]),
    coefs=st.sampled_from([(0.5, 0.01), (1.0, 0.0), (0.25, 0.1)]),
    seed=st.integers(0, 2**16),
)
def test_matches_loop_spec_on_random_inputs(impl, fw, n, t_len, vocab, clip_eps, value_clip_eps, coefs, seed):
    """On many random batches, shapes, clip ranges and coefficients (float64), every term agrees with a per-token loop."""
    rng = np.random.default_rng(seed)
    arrays = sample(rng, n, t_len, vocab=vocab, drift=0.5)
    got, dt = run(impl, arrays, clip_eps=clip_eps, value_clip_eps=value_clip_eps, vf_coef=coefs[0], ent_coef=coefs[1])
    compare(got, loop_reference(*arrays, clip_eps, value_clip_eps, *coefs), dt)
