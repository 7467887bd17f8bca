"""Hidden suite for `dpo_loss` (torch only). Inputs are built in NumPy, references computed in float64."""

import math

import numpy as np
import torch
from hypothesis import given, settings, strategies as st

from postprep.drills.harness import assert_close, assert_finite, check

SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=40)
NAMES = ("losses", "chosen_rewards", "rejected_rewards")
INPUTS = ("policy_chosen_logps", "policy_rejected_logps", "reference_chosen_logps", "reference_rejected_logps")
# float32: the four subtractions round at |logps| ~ 100 (ulp ~ 1e-5), whatever order they run in.
F32 = {"rtol": 1e-4, "atol": 1e-5}


def reference(pc, pr, rc, rr, beta):
    """(losses, chosen_rewards, rejected_rewards) in float64; -log sigmoid(x) = log(1 + e^-x)."""
    pc, pr, rc, rr = (np.asarray(a, dtype=np.float64) for a in (pc, pr, rc, rr))
    margin = (pc - rc) - (pr - rr)
    return np.logaddexp(0.0, -beta * margin), beta * (pc - rc), beta * (pr - rr)


def neg_log_sigmoid(x):
    """-log sigmoid(x) for one float, the way it is written by hand: no overflow on either side."""
    return math.log1p(math.exp(-x)) if x >= 0 else -x + math.log1p(math.exp(x))


def loop_reference(pc, pr, rc, rr, beta):
    """The definition, one example at a time."""
    losses, chosen, rejected = [], [], []
    for i in range(len(pc)):
        chosen.append(beta * (float(pc[i]) - float(rc[i])))
        rejected.append(beta * (float(pr[i]) - float(rr[i])))
        losses.append(neg_log_sigmoid(chosen[-1] - rejected[-1]))
    return np.array(losses), np.array(chosen), np.array(rejected)


def sample(rng, b, spread=10.0):
    """Summed sequence log-probs: the reference in [-120, -10] nats, the policy near it."""
    rc, rr = -rng.uniform(10.0, 120.0, b), -rng.uniform(10.0, 120.0, b)
    pc, pr = rc + rng.normal(0.0, spread, b), rr + rng.normal(0.0, spread, b)
    return pc, pr, rc, rr


def lower_precision(a, b):
    order = ["float16", "bfloat16", "float32", "float64"]
    return min(a, b, key=lambda d: order.index(d) if d in order else 3)


def unpack(out):
    check(
        isinstance(out, (tuple, list)) and len(out) == 3,
        f"dpo_loss returned {type(out).__name__}; expected a tuple (losses, chosen_rewards, rejected_rewards)",
    )
    return tuple(out)


def run(impl, fw, pc, pr, rc, rr, beta=0.1, dtype="float64"):
    """The user's three outputs as float64 NumPy, and the precision to compare them at."""
    args = [fw.array(a, dtype) for a in (pc, pr, rc, rr)]
    out = unpack(impl.dpo_loss(*args) if beta is None else impl.dpo_loss(*args, beta))
    got = tuple(fw.to_numpy(v, what=name) for v, name in zip(out, NAMES))
    b = len(args[0])
    for g, name in zip(got, NAMES):
        check(g.shape == (b,), f"{name} has shape {tuple(g.shape)} for B = {b}; expected ({b},), one value per example (not reduced)")
    return got, lower_precision(dtype, fw.dtype_name(out[0]))


def compare(got, expected, dt, **tol):
    for g, e, name in zip(got, expected, NAMES):
        assert_close(g, e, dtype=dt, what=name, **tol)


def rounded(arrays, dtype):
    """The inputs as the user receives them (float32 rounding included), for the float64 reference."""
    return [np.asarray(a, dtype=dtype).astype(np.float64) for a in arrays]


def test_worked_example(impl, fw):
    """The prompt's worked example: losses [0.5981, 0.9130], rewards [0.1, -0.2] and [-0.1, 0.2]."""
    pc, pr = np.array([-12.0, -30.0]), np.array([-15.0, -25.0])
    rc, rr = np.array([-13.0, -28.0]), np.array([-14.0, -27.0])
    got, dt = run(impl, fw, pc, pr, rc, rr, 0.1)
    compare(got, ([0.5981388693815918, 0.9130152523999526], [0.1, -0.2], [-0.1, 0.2]), dt)


def test_matches_definition_float64(impl, fw):
    """float64 batch: losses and rewards match -log sigmoid(beta * margin) and beta * (policy - reference)."""
    rng = np.random.default_rng(0)
    inputs = sample(rng, 16)
    got, dt = run(impl, fw, *inputs, 0.1)
    compare(got, reference(*inputs, 0.1), dt)


def test_float64_inputs_keep_float64_precision(impl, fw):
    """float64 inputs are computed in float64: losses and rewards match the definition to ~1e-10, not float32's ~1e-7."""
    rng = np.random.default_rng(12)
    inputs = sample(rng, 32)
    for beta in (0.1, 0.5):
        got, _ = run(impl, fw, *inputs, beta)
        for g, e, name in zip(got, loop_reference(*inputs, beta), NAMES):
            assert_close(g, e, rtol=1e-10, atol=1e-12,
                         what=f"{name} for float64 inputs (beta = {beta}; a float32 computation or result is off by about 1e-7)")


def test_float32_inputs(impl, fw):
    """float32 inputs are accepted and the results are accurate to float32 precision."""
    rng = np.random.default_rng(1)
    inputs = rounded(sample(rng, 32), np.float32)
    got, dt = run(impl, fw, *inputs, 0.1, dtype="float32")
    compare(got, reference(*inputs, 0.1), dt, **F32)


def test_losses_are_per_example(impl, fw):
    """losses has shape (B,), one loss per example: not reduced to a mean or a sum."""
    rng = np.random.default_rng(2)
    inputs = sample(rng, 5, spread=20.0)
    got, _ = run(impl, fw, *inputs, 0.1)
    check(got[0].shape == (5,), f"losses has shape {tuple(got[0].shape)} for B = 5; expected (5,), one loss per example (do not reduce)")
    for g, name in zip(got[1:], NAMES[1:]):
        check(g.shape == (5,), f"{name} has shape {tuple(g.shape)} for B = 5; expected (5,)")


def test_single_pair(impl, fw):
    """B = 1: every output has shape (1,) and the right value."""
    inputs = [np.array([v]) for v in (-20.0, -26.0, -22.0, -24.0)]  # margin 2 - (-2) = 4
    got, dt = run(impl, fw, *inputs, 0.5)
    compare(got, reference(*inputs, 0.5), dt)


def test_default_beta_is_0_1(impl, fw):
    """Called without beta, the loss uses beta = 0.1."""
    rng = np.random.default_rng(3)
    inputs = sample(rng, 6)
    got, dt = run(impl, fw, *inputs, None)
    compare(got, reference(*inputs, 0.1), dt)


def test_rewards_are_beta_times_log_ratios(impl, fw):
    """chosen_rewards = beta * (policy_chosen - reference_chosen), rejected_rewards likewise, for several beta."""
    rng = np.random.default_rng(4)
    pc, pr, rc, rr = sample(rng, 8)
    for beta in (0.05, 0.5, 2.0):
        (_, chosen, rejected), dt = run(impl, fw, pc, pr, rc, rr, beta)
        assert_close(chosen, beta * (pc - rc), dtype=dt, what=f"chosen_rewards with beta = {beta}")
        assert_close(rejected, beta * (pr - rr), dtype=dt, what=f"rejected_rewards with beta = {beta}")


def test_policy_equal_to_reference_gives_log_2(impl, fw):
    """When the policy equals the reference, every margin is 0: losses are log 2 and rewards 0."""
    rng = np.random.default_rng(5)
    rc, rr = -rng.uniform(5.0, 80.0, 4), -rng.uniform(5.0, 80.0, 4)
    for beta in (0.1, 3.0):
        got, dt = run(impl, fw, rc.copy(), rr.copy(), rc, rr, beta)
        compare(got, (np.full(4, math.log(2.0)), np.zeros(4), np.zeros(4)), dt)


def test_reference_model_matters(impl, fw):
    """The same policy log-probs with a different reference give the loss of the new log-ratios."""
    pc, pr = np.array([-10.0, -40.0, -25.0]), np.array([-30.0, -20.0, -25.0])
    for rc, rr in ((np.array([-10.0, -40.0, -25.0]), np.array([-30.0, -20.0, -25.0])),
                   (np.array([-5.0, -60.0, -35.0]), np.array([-50.0, -15.0, -20.0]))):
        got, dt = run(impl, fw, pc, pr, rc, rr, 0.2)
        compare(got, reference(pc, pr, rc, rr, 0.2), dt)


def test_higher_chosen_logp_lowers_loss(impl, fw):
    """Raising the policy's chosen log-prob lowers the loss; raising its rejected log-prob raises it."""
    rng = np.random.default_rng(6)
    pc, pr, rc, rr = sample(rng, 6)
    (base, _, _), _ = run(impl, fw, pc, pr, rc, rr, 0.1)
    (up_chosen, _, _), _ = run(impl, fw, pc + 3.0, pr, rc, rr, 0.1)
    (up_rejected, _, _), _ = run(impl, fw, pc, pr + 3.0, rc, rr, 0.1)
    check(bool((up_chosen < base).all()), "raising policy_chosen_logps did not lower every loss (check the sign of the margin)")
    check(bool((up_rejected > base).all()), "raising policy_rejected_logps did not raise every loss (check the sign of the margin)")


def test_beta_scales_the_margin(impl, fw):
    """beta multiplies the margin inside the log-sigmoid: loss(x, beta) = loss(beta * x, beta = 1)."""
    rng = np.random.default_rng(7)
    inputs = sample(rng, 6, spread=5.0)
    for beta in (0.01, 0.5, 4.0):
        got, dt = run(impl, fw, *inputs, beta)
        scaled, _ = run(impl, fw, *(beta * a for a in inputs), 1.0)
        assert_close(got[0], scaled[0], dtype=dt, what=f"losses with beta = {beta} (vs the log-probs scaled by beta, beta = 1)")
        compare(got, reference(*inputs, beta), dt)


def test_swapping_chosen_and_rejected(impl, fw):
    """Swapping chosen and rejected: loss(chosen, rejected) - loss(rejected, chosen) = -beta * margin."""
    rng = np.random.default_rng(8)
    pc, pr, rc, rr = sample(rng, 8, spread=15.0)
    beta = 0.3
    (forward, _, _), dt = run(impl, fw, pc, pr, rc, rr, beta)
    (swapped, _, _), _ = run(impl, fw, pr, pc, rr, rc, beta)
    margin = (pc - rc) - (pr - rr)
    assert_close(forward - swapped, -beta * margin, dtype=dt, what="loss(chosen, rejected) - loss(rejected, chosen)")


def test_examples_are_independent(impl, fw):
    """Changing one pair's log-probs changes that pair's loss only."""
    rng = np.random.default_rng(9)
    pc, pr, rc, rr = sample(rng, 5)
    (before, _, _), dt = run(impl, fw, pc, pr, rc, rr, 0.1)
    pc2 = pc.copy()
    pc2[2] += 40.0
    (after, _, _), _ = run(impl, fw, pc2, pr, rc, rr, 0.1)
    keep = np.array([0, 1, 3, 4])
    assert_close(after[keep], before[keep], dtype=dt, what="the losses of the other examples after changing example 2")
    check(bool(after[2] < before[2]), "raising example 2's chosen log-prob did not lower its loss")


def test_huge_margins_float32(impl, fw):
    """float32 margins of +-1e4 (beta * margin = +-1000): finite losses, about 0 and about 1000."""
    pc = np.array([-10.0, -10010.0, -10.0, -2010.0, -50.0, -250.0])
    pr = np.array([-10010.0, -10.0, -2010.0, -10.0, -250.0, -50.0])
    rc = np.full(6, -10.0)
    rr = np.full(6, -10.0)
    got, dt = run(impl, fw, pc, pr, rc, rr, 0.1, dtype="float32")
    assert_finite(got[0], what="losses at huge margins (float32)")
    compare(got, reference(pc, pr, rc, rr, 0.1), dt, **F32)
    got, dt = run(impl, fw, pc, pr, rc, rr, 1.0, dtype="float32")
    assert_finite(got[0], what="losses at huge margins with beta = 1 (float32)")
    compare(got, reference(pc, pr, rc, rr, 1.0), dt, **F32)


def test_huge_margins_float64(impl, fw):
    """float64 margins of +-1e4 with beta = 0.1 and 1: finite and exact."""
    pc = np.array([-5.0, -10005.0, -5.0, -1005.0])
    pr = np.array([-10005.0, -5.0, -1005.0, -5.0])
    rc, rr = np.full(4, -5.0), np.full(4, -5.0)
    for beta in (0.1, 1.0):
        got, dt = run(impl, fw, pc, pr, rc, rr, beta)
        assert_finite(got[0], what=f"losses at huge margins with beta = {beta} (float64)")
        compare(got, reference(pc, pr, rc, rr, beta), dt)


def policy_gradients(impl, fw, pc, pr, rc, rr, beta, dtype, weight):
    """Gradients of sum(weight * losses) with respect to the two policy inputs."""
    pc_t = torch.tensor(pc, dtype=dtype, requires_grad=True)
    pr_t = torch.tensor(pr, dtype=dtype, requires_grad=True)
    rc_t, rr_t = torch.tensor(rc, dtype=dtype), torch.tensor(rr, dtype=dtype)
    losses, _, _ = unpack(impl.dpo_loss(pc_t, pr_t, rc_t, rr_t, beta))
    check(
        isinstance(losses, torch.Tensor) and losses.requires_grad,
        "the losses are not differentiable with respect to the policy log-probs (detached, or built outside torch)",
    )
    check(tuple(losses.shape) == tuple(weight.shape), f"losses has shape {tuple(losses.shape)}; expected {tuple(weight.shape)}, one loss per example")
    (losses * torch.tensor(weight, dtype=losses.dtype)).sum().backward()
    check(pc_t.grad is not None, "no gradient reached policy_chosen_logps")
    check(pr_t.grad is not None, "no gradient reached policy_rejected_logps")
    return (fw.to_numpy(pc_t.grad, what="the gradient of policy_chosen_logps"),
            fw.to_numpy(pr_t.grad, what="the gradient of policy_rejected_logps"))


def analytic(pc, pr, rc, rr, beta, weight):
    """The paper's gradient: d loss / d pi_c = -beta * sigmoid(-beta * margin), d loss / d pi_r = +beta * sigmoid(...)."""
    margin = (pc - rc) - (pr - rr)
    s = 0.5 * (1.0 - np.tanh(0.5 * beta * margin))  # sigmoid(-beta * margin), stable
    return -weight * beta * s, weight * beta * s


def test_gradients_match_the_paper(impl, fw):
    """Gradients: -beta * sigmoid(-beta * margin) for policy_chosen, +beta * sigmoid(-beta * margin) for policy_rejected."""
    rng = np.random.default_rng(10)
    pc, pr, rc, rr = sample(rng, 7, spread=20.0)
    weight = rng.uniform(0.5, 2.0, 7)
    for beta in (0.1, 1.0):
        g_c, g_r = policy_gradients(impl, fw, pc, pr, rc, rr, beta, torch.float64, weight)
        e_c, e_r = analytic(pc, pr, rc, rr, beta, weight)
        assert_close(g_c, e_c, what=f"the gradient with respect to policy_chosen_logps (beta = {beta})")
        assert_close(g_r, e_r, what=f"the gradient with respect to policy_rejected_logps (beta = {beta})")


def test_gradients_finite_at_huge_margins(impl, fw):
    """float32 margins of +-1e4: the gradients are finite and equal -beta * sigmoid(-beta * margin) (0 or -beta)."""
    pc = np.array([-10.0, -10010.0, -20.0])
    pr = np.array([-10010.0, -10.0, -30.0])
    rc, rr = np.full(3, -10.0), np.full(3, -10.0)
    weight = np.ones(3)
    g_c, g_r = policy_gradients(impl, fw, pc, pr, rc, rr, 0.1, torch.float32, weight)
    assert_finite(g_c, what="the gradient with respect to policy_chosen_logps at huge margins")
    assert_finite(g_r, what="the gradient with respect to policy_rejected_logps at huge margins")
    e_c, e_r = analytic(pc, pr, rc, rr, 0.1, weight)
    assert_close(g_c, e_c, dtype="float32", what="the gradient with respect to policy_chosen_logps at huge margins")
    assert_close(g_r, e_r, dtype="float32", what="the gradient with respect to policy_rejected_logps at huge margins")


def test_rewards_are_detached(impl, fw):
    """With policy log-probs that require grad, the losses carry a gradient and the rewards do not."""
    rng = np.random.default_rng(11)
    pc, pr, rc, rr = sample(rng, 4)
    pc_t = torch.tensor(pc, requires_grad=True)
    pr_t = torch.tensor(pr, requires_grad=True)
    losses, chosen, rejected = unpack(impl.dpo_loss(pc_t, pr_t, torch.tensor(rc), torch.tensor(rr), 0.1))
    for value, name in ((chosen, "chosen_rewards"), (rejected, "rejected_rewards")):
        check(isinstance(value, torch.Tensor), f"{name} is {type(value).__name__}; expected a torch.Tensor")
        check(not value.requires_grad, f"{name} requires grad: detach the rewards (they are for logging only)")
    check(isinstance(losses, torch.Tensor) and losses.requires_grad, "the losses are not differentiable with respect to the policy log-probs")
    _, e_c, e_r = reference(pc, pr, rc, rr, 0.1)
    assert_close(fw.to_numpy(chosen, what="chosen_rewards"), e_c, what="chosen_rewards")
    assert_close(fw.to_numpy(rejected, what="rejected_rewards"), e_r, what="rejected_rewards")


def test_inputs_not_modified(impl, fw):
    """The four input tensors are unchanged after the call."""
    rng = np.random.default_rng(12)
    inputs = sample(rng, 6)
    for dtype in ("float64", "float32"):
        args = [fw.array(a, dtype) for a in inputs]
        impl.dpo_loss(*args, 0.1)
        for name, given_, original in zip(INPUTS, args, inputs):
            assert_close(fw.to_numpy(given_, what=name), np.asarray(original, dtype=dtype), dtype=dtype,
                         what=f"input {name} ({dtype}) after the call")


@SETTINGS
@given(
    b=st.integers(1, 6),
    beta=st.sampled_from([0.01, 0.1, 0.25, 1.0, 5.0]),
    scale=st.sampled_from([0.5, 10.0, 300.0]),
    seed=st.integers(0, 2**16),
)
def test_matches_plain_formula_on_random_inputs(impl, fw, b, beta, scale, seed):
    """On many random batches, betas and margin sizes (float64), agrees with the formula example by example."""
    rng = np.random.default_rng(seed)
    rc, rr = -rng.uniform(0.0, 4.0 * scale, b), -rng.uniform(0.0, 4.0 * scale, b)
    pc, pr = rc + rng.normal(0.0, scale, b), rr + rng.normal(0.0, scale, b)
    got, dt = run(impl, fw, pc, pr, rc, rr, beta)
    compare(got, loop_reference(pc, pr, rc, rr, beta), dt)
