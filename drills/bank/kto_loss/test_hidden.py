"""Hidden suite for `kto_loss` (torch only). Inputs are built in NumPy, references computed in float64."""

import math

import numpy as np
import torch
from hypothesis import given, settings, strategies as st

from postprep.drills.harness import assert_close, assert_finite, check, fail

SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=40)
F32 = {"rtol": 1e-4, "atol": 1e-5}


def sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x, dtype=np.float64)))  # stable for any x


def reference(pl, rl, labels, pk, rk, beta=0.1, wd=1.0, wu=1.0):
    """(mean loss, z0) in float64, vectorised."""
    pl, rl, pk, rk = (np.asarray(a, dtype=np.float64) for a in (pl, rl, pk, rk))
    z0 = max(0.0, float(np.mean(pk - rk)))
    r = pl - rl
    losses = np.where(labels, wd * (1.0 - sigmoid(beta * (r - z0))), wu * (1.0 - sigmoid(beta * (z0 - r))))
    return float(losses.mean()), z0


def loop_reference(pl, rl, labels, pk, rk, beta, wd, wu):
    """The definition, one example at a time."""
    kl = sum(float(pk[j]) - float(rk[j]) for j in range(len(pk))) / len(pk)
    z0 = kl if kl > 0 else 0.0
    total = 0.0
    for i in range(len(pl)):
        r = float(pl[i]) - float(rl[i])
        u = beta * (r - z0) if labels[i] else beta * (z0 - r)
        s = 1.0 / (1.0 + math.exp(-u)) if u >= 0 else math.exp(u) / (1.0 + math.exp(u))
        total += (wd if labels[i] else wu) * (1.0 - s)
    return total / len(pl), z0


def sample(rng, b, m=None, spread=5.0, kl_shift=1.0):
    """Summed log-probs near a reference in [-120, -10]; the mismatched pairs' log-ratios average about kl_shift."""
    m = b if m is None else m
    rl = -rng.uniform(10.0, 120.0, b)
    pl = rl + rng.normal(0.0, spread, b)
    rk = -rng.uniform(20.0, 150.0, m)
    pk = rk + kl_shift + rng.normal(0.0, 1.0, m)
    labels = rng.random(b) < 0.5
    return pl, rl, labels, pk, rk


def unpack(out):
    check(isinstance(out, (tuple, list)) and len(out) == 2, f"kto_loss returned {type(out).__name__}; expected a tuple (loss, z0)")
    return tuple(out)


def scalar(value, what):
    check(isinstance(value, torch.Tensor), f"{what} is {type(value).__name__}; expected a torch.Tensor")
    check(value.numel() == 1, f"{what} has shape {tuple(value.shape)}; expected a scalar (0-dim tensor)")
    return value.detach().to(torch.float64).reshape(()).numpy()


def call(impl, pl, rl, labels, pk, rk, dtype=torch.float64, **kwargs):
    args = [torch.tensor(np.asarray(a), dtype=dtype) for a in (pl, rl)]
    args.append(torch.tensor(np.asarray(labels, dtype=bool)))
    args += [torch.tensor(np.asarray(a), dtype=dtype) for a in (pk, rk)]
    return unpack(impl.kto_loss(*args, **kwargs))


def run(impl, pl, rl, labels, pk, rk, dtype=torch.float64, **kwargs):
    loss, z0 = call(impl, pl, rl, labels, pk, rk, dtype, **kwargs)
    return scalar(loss, "the loss"), scalar(z0, "z0"), ("float32" if loss.dtype == torch.float32 else "float64")


def compare(got, expected, dt, label="", **tol):
    assert_close(got[0], expected[0], dtype=dt, what=f"the loss{label}", **tol)
    assert_close(got[1], expected[1], dtype=dt, what=f"z0{label}", **tol)


def test_worked_example(impl, fw):
    """The prompt's example: loss 0.512628 and z0 = 1; with the KL pairs swapped, z0 clamps to 0 and the loss is 0.508008."""
    pl, rl = np.array([-10.0, -20.0, -15.0]), np.array([-12.0, -19.0, -15.0])
    labels = np.array([True, False, True])
    pk, rk = np.array([-30.0, -26.0, -41.0]), np.array([-31.0, -28.0, -41.0])
    loss, z0, dt = run(impl, pl, rl, labels, pk, rk, beta=0.5, undesirable_weight=2.0)
    compare((loss, z0), (0.5126276142466634, 1.0), dt)
    loss, z0, dt = run(impl, pl, rl, labels, rk, pk, beta=0.5, undesirable_weight=2.0)
    compare((loss, z0), (0.5080075863220953, 0.0), dt, " (KL pairs swapped)")


def test_matches_definition_float64(impl, fw):
    """float64 batch with mixed labels: the mean of the weighted per-example losses, and z0."""
    rng = np.random.default_rng(0)
    inputs = sample(rng, 16, m=16)
    for beta, wd, wu in ((0.1, 1.0, 1.0), (0.5, 1.0, 1.5), (2.0, 0.7, 1.0)):
        loss, z0, dt = run(impl, *inputs, beta=beta, desirable_weight=wd, undesirable_weight=wu)
        compare((loss, z0), reference(*inputs, beta, wd, wu), dt, f" (beta = {beta}, weights {wd}, {wu})")


def test_float32_inputs(impl, fw):
    """float32 inputs are accepted and the loss and z0 are accurate to float32 precision."""
    rng = np.random.default_rng(1)
    pl, rl, labels, pk, rk = sample(rng, 32, m=24)
    pl, rl, pk, rk = (np.asarray(a, dtype=np.float32).astype(np.float64) for a in (pl, rl, pk, rk))
    loss, z0, dt = run(impl, pl, rl, labels, pk, rk, dtype=torch.float32, beta=0.3)
    compare((loss, z0), reference(pl, rl, labels, pk, rk, 0.3), dt, " (float32)", **F32)


def test_outputs_keep_the_inputs_precision(impl, fw):
    """float64 inputs give a float64 loss and z0; float32 inputs give float32 or float64, never less."""
    inputs = sample(np.random.default_rng(11), 5)
    for dtype, allowed in ((torch.float64, ("float64",)), (torch.float32, ("float32", "float64"))):
        loss, z0 = call(impl, *inputs, dtype=dtype, beta=0.3)
        for value, name in ((loss, "the loss"), (z0, "z0")):
            scalar(value, name)
            got = str(value.dtype).replace("torch.", "")
            want = str(dtype).replace("torch.", "")
            check(got in allowed, f"{name} is {got} for {want} inputs; expected {' or '.join(allowed)} (the inputs' precision or higher)")


def test_z0_is_clamped_at_zero(impl, fw):
    """A negative mean log-ratio on the mismatched pairs gives z0 = 0, and the losses use 0 as the reference point."""
    rng = np.random.default_rng(2)
    pl, rl, labels, pk, rk = sample(rng, 10, m=8, kl_shift=-3.0)
    loss, z0, dt = run(impl, pl, rl, labels, pk, rk, beta=0.5)
    assert_close(z0, 0.0, dtype=dt, what="z0 for a negative KL estimate")
    assert_close(loss, reference(pl, rl, labels, pk, rk, 0.5)[0], dtype=dt, what="the loss with z0 clamped to 0")


def test_z0_comes_from_the_mismatched_pairs(impl, fw):
    """z0 is the mean of policy_kl_logps - reference_kl_logps (M may differ from B); the labelled completions do not enter it."""
    rng = np.random.default_rng(3)
    pl, rl, labels, pk, rk = sample(rng, 6, m=9, kl_shift=2.0)
    _, z0, dt = run(impl, pl, rl, labels, pk, rk)
    assert_close(z0, float(np.mean(pk - rk)), dtype=dt, what="z0 (the mean log-ratio of the mismatched pairs)")
    _, z0_moved, _ = run(impl, pl + 7.0, rl, labels, pk, rk)
    assert_close(z0_moved, z0, dtype=dt, what="z0 after raising policy_logps (it must not depend on them)")
    for k in (1, 4):
        loss, z0, dt = run(impl, pl, rl, labels, pk[:k], rk[:k], beta=0.2)
        compare((loss, z0), reference(pl, rl, labels, pk[:k], rk[:k], 0.2), dt, f" with M = {k} mismatched pairs")


def test_weights_and_the_batch_mean(impl, fw):
    """desirable_weight and undesirable_weight scale their examples' terms; the loss divides by B, not by the weights' sum."""
    rng = np.random.default_rng(4)
    pl, rl, _, pk, rk = sample(rng, 7)
    labels = np.array([True, True, True, True, True, False, False])
    base, _, dt = run(impl, pl, rl, labels, pk, rk, beta=0.4)
    heavy, _, _ = run(impl, pl, rl, labels, pk, rk, beta=0.4, desirable_weight=3.0, undesirable_weight=0.5)
    assert_close(heavy, reference(pl, rl, labels, pk, rk, 0.4, 3.0, 0.5)[0], dtype=dt, what="the loss with weights 3 and 0.5")
    both, _, _ = run(impl, pl, rl, labels, pk, rk, beta=0.4, desirable_weight=2.0, undesirable_weight=2.0)
    assert_close(both, 2.0 * base, dtype=dt, what="the loss with both weights 2 (it must be twice the unweighted loss)")


def test_single_label_batches(impl, fw):
    """All-desirable and all-undesirable batches (one term empty) give the mean of the other term, finite."""
    rng = np.random.default_rng(5)
    pl, rl, _, pk, rk = sample(rng, 5)
    for value in (True, False):
        labels = np.full(5, value)
        loss, z0, dt = run(impl, pl, rl, labels, pk, rk, beta=0.3, undesirable_weight=1.5)
        assert_finite(loss, what=f"the loss with every label {value}")
        compare((loss, z0), reference(pl, rl, labels, pk, rk, 0.3, 1.0, 1.5), dt, f" with every label {value}")
    loss, z0, dt = run(impl, pl[:1], rl[:1], np.array([False]), pk, rk, beta=0.3)
    compare((loss, z0), reference(pl[:1], rl[:1], np.array([False]), pk, rk, 0.3), dt, " for B = 1")


def test_defaults(impl, fw):
    """Called with the five arrays only: beta = 0.1 and both weights 1."""
    rng = np.random.default_rng(6)
    inputs = sample(rng, 8)
    loss, z0, dt = run(impl, *inputs)
    compare((loss, z0), reference(*inputs, 0.1, 1.0, 1.0), dt, " with the defaults")


def gradients(impl, pl, rl, labels, pk, rk, dtype=torch.float64, **kwargs):
    pl_t = torch.tensor(pl, dtype=dtype, requires_grad=True)
    pk_t = torch.tensor(pk, dtype=dtype, requires_grad=True)  # as if the KL pass had kept its graph
    loss, z0 = unpack(impl.kto_loss(pl_t, torch.tensor(rl, dtype=dtype), torch.tensor(labels),
                                    pk_t, torch.tensor(rk, dtype=dtype), **kwargs))
    check(isinstance(loss, torch.Tensor) and loss.requires_grad,
          "the loss is not differentiable with respect to policy_logps (detached, or built outside torch)")
    check(loss.numel() == 1, f"the loss has shape {tuple(loss.shape)}; expected a scalar")
    check(isinstance(z0, torch.Tensor) and not z0.requires_grad, "z0 requires grad: return it detached")
    loss.reshape(()).backward()
    check(pl_t.grad is not None, "no gradient reached policy_logps")
    kl_grad = np.zeros(len(pk)) if pk_t.grad is None else pk_t.grad.to(torch.float64).numpy()
    return pl_t.grad.to(torch.float64).numpy(), kl_grad


def analytic(pl, rl, labels, pk, rk, beta, wd, wu):
    """d loss / d r_i with z0 held constant: -wd beta s(1 - s) / B (desirable), +wu beta s(1 - s) / B (undesirable)."""
    z0 = max(0.0, float(np.mean(pk - rk)))
    r = pl - rl
    u = np.where(labels, beta * (r - z0), beta * (z0 - r))
    s = sigmoid(u)
    return np.where(labels, -wd, wu) * beta * s * (1.0 - s) / len(pl)


def test_gradients_with_z0_constant(impl, fw):
    """Gradients with respect to policy_logps are those of the formula with z0 held constant (both labels, both weights)."""
    rng = np.random.default_rng(7)
    pl, rl, labels, pk, rk = sample(rng, 9, m=9, spread=10.0, kl_shift=3.0)
    for beta, wd, wu in ((0.1, 1.0, 1.0), (0.5, 1.3, 2.0)):
        g, _ = gradients(impl, pl, rl, labels, pk, rk, beta=beta, desirable_weight=wd, undesirable_weight=wu)
        assert_close(g, analytic(pl, rl, labels, pk, rk, beta, wd, wu),
                     what=f"the gradient with respect to policy_logps (beta = {beta}, weights {wd}, {wu})")


def test_no_gradient_through_z0(impl, fw):
    """Even when policy_kl_logps carries a graph (and the KL estimate is positive), no gradient flows into it: z0 is detached."""
    rng = np.random.default_rng(8)
    pl, rl, labels, pk, rk = sample(rng, 6, m=6, kl_shift=4.0)
    _, g_kl = gradients(impl, pl, rl, labels, pk, rk, beta=0.5)
    check(bool(np.all(g_kl == 0.0)),
          f"a gradient reached policy_kl_logps ({g_kl.round(4).tolist()}): z0 must be detached (it is a constant reference point)")


def test_large_margins(impl, fw):
    """Log-ratios of +-1e4 around z0 (float32 and float64): finite losses (about 0 or the weight) and finite gradients."""
    pl = np.array([-10.0, -10010.0, -10.0, -10010.0, -50.0])
    rl = np.array([-10010.0, -10.0, -10010.0, -10.0, -52.0])
    labels = np.array([True, True, False, False, True])
    pk, rk = np.array([-20.0, -30.0]), np.array([-22.0, -32.0])  # z0 = 2
    for dtype, dt in ((torch.float64, "float64"), (torch.float32, "float32")):
        loss, z0, got_dt = run(impl, pl, rl, labels, pk, rk, dtype=dtype, beta=1.0, undesirable_weight=2.0)
        assert_finite(loss, what=f"the loss at huge log-ratios ({dt})")
        compare((loss, z0), reference(pl, rl, labels, pk, rk, 1.0, 1.0, 2.0), got_dt, f" at huge log-ratios ({dt})")
        g, _ = gradients(impl, pl, rl, labels, pk, rk, dtype=dtype, beta=1.0, undesirable_weight=2.0)
        assert_finite(g, what=f"the gradient at huge log-ratios ({dt})")
        assert_close(g, analytic(pl, rl, labels, pk, rk, 1.0, 1.0, 2.0), dtype=dt,
                     what=f"the gradient at huge log-ratios ({dt})")


def test_beta_must_be_positive(impl, fw):
    """beta <= 0 raises ValueError."""
    inputs = sample(np.random.default_rng(9), 3)
    for beta in (0.0, -0.5):
        try:
            call(impl, *inputs, beta=beta)
        except ValueError:
            continue
        fail(f"beta = {beta} did not raise ValueError")


def test_inputs_not_modified(impl, fw):
    """The five input tensors are unchanged after the call."""
    rng = np.random.default_rng(10)
    pl, rl, labels, pk, rk = sample(rng, 6, kl_shift=2.0)
    args = [torch.tensor(pl), torch.tensor(rl), torch.tensor(labels), torch.tensor(pk), torch.tensor(rk)]
    impl.kto_loss(*args, beta=0.5)
    names = ("policy_logps", "reference_logps", "labels", "policy_kl_logps", "reference_kl_logps")
    for name, given_, original in zip(names, args, (pl, rl, labels, pk, rk)):
        assert_close(given_.to(torch.float64).numpy(), np.asarray(original, dtype=np.float64), what=f"input {name} after the call")


@SETTINGS
@given(
    b=st.integers(1, 7),
    m=st.integers(1, 7),
    beta=st.sampled_from([0.05, 0.1, 0.5, 2.0]),
    weights=st.sampled_from([(1.0, 1.0), (1.0, 1.33), (0.75, 1.0), (2.0, 0.5)]),
    kl_shift=st.sampled_from([-2.0, 0.0, 0.5, 5.0]),
    seed=st.integers(0, 2**16),
)
def test_matches_plain_formula_on_random_inputs(impl, fw, b, m, beta, weights, kl_shift, seed):
    """On many random batches, labels, betas, weights and KL estimates (float64), agrees with the formula example by example."""
    rng = np.random.default_rng(seed)
    pl, rl, labels, pk, rk = sample(rng, b, m=m, spread=10.0, kl_shift=kl_shift)
    loss, z0, dt = run(impl, pl, rl, labels, pk, rk, beta=beta, desirable_weight=weights[0], undesirable_weight=weights[1])
    compare((loss, z0), loop_reference(pl, rl, labels, pk, rk, beta, *weights), dt)
