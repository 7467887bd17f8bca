"""Hidden suite for `ipo_loss` (NumPy and torch). Inputs are built in NumPy, references computed in float64."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from postprep.drills.harness import assert_close, check, fail

SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=40)
INPUTS = ("policy_chosen_logps", "policy_rejected_logps", "reference_chosen_logps", "reference_rejected_logps")
# float32: the subtractions round at |logps| ~ 100-1000 (ulp ~ 1e-5..1e-4) and the square doubles the relative error.
F32 = {"rtol": 1e-4, "atol": 1e-4}


def reference(pc, pr, rc, rr, lc=None, lr=None, beta=0.1):
    """The mean IPO loss in float64, vectorised."""
    pc, pr, rc, rr = (np.asarray(a, dtype=np.float64) for a in (pc, pr, rc, rr))
    chosen, rejected = pc - rc, pr - rr
    if lc is not None:
        chosen, rejected = chosen / np.asarray(lc, dtype=np.float64), rejected / np.asarray(lr, dtype=np.float64)
    h = chosen - rejected
    return float(np.mean((h - 1.0 / (2.0 * beta)) ** 2))


def loop_reference(pc, pr, rc, rr, lc, lr, beta):
    """The definition, one pair at a time."""
    total = 0.0
    for i in range(len(pc)):
        a = (float(pc[i]) - float(rc[i])) / (1.0 if lc is None else float(lc[i]))
        b = (float(pr[i]) - float(rr[i])) / (1.0 if lr is None else float(lr[i]))
        total += (a - b - 1.0 / (2.0 * beta)) ** 2
    return total / len(pc)


def sample(rng, b, spread=3.0):
    """Summed sequence log-probs: the reference in [-120, -10] nats, the policy near it."""
    rc, rr = -rng.uniform(10.0, 120.0, b), -rng.uniform(10.0, 120.0, b)
    pc, pr = rc + rng.normal(0.0, spread, b), rr + rng.normal(0.0, spread, b)
    return pc, pr, rc, rr


def lower_precision(a, b):
    order = ["float16", "bfloat16", "float32", "float64"]
    return min(a, b, key=lambda d: order.index(d) if d in order else 3)


def call(impl, fw, pc, pr, rc, rr, lc=None, lr=None, beta=0.1, dtype="float64"):
    """The user's output for NumPy inputs converted to their framework (beta=None: the default)."""
    args = [fw.array(a, dtype) for a in (pc, pr, rc, rr)]
    if lc is not None:
        args += [fw.array(lc, "int64"), fw.array(lr, "int64")]
    return impl.ipo_loss(*args) if beta is None else impl.ipo_loss(*args, beta=beta)


def run(impl, fw, pc, pr, rc, rr, lc=None, lr=None, beta=0.1, dtype="float64"):
    """The user's loss as a float64 0-d array, and the precision to compare it at."""
    out = call(impl, fw, pc, pr, rc, rr, lc, lr, beta, dtype)
    got = fw.to_numpy(out, what="the loss")
    check(got.shape == (), f"the loss has shape {tuple(got.shape)}; expected a scalar (the mean over the batch)")
    out_dtype = str(getattr(out, "dtype", "float64")).removeprefix("torch.")
    return got, lower_precision(dtype, out_dtype)


def lengths(rng, b):
    return rng.integers(1, 60, b), rng.integers(1, 60, b)


def test_worked_example(impl, fw):
    """The prompt's examples: 45.0 without lengths (beta = 0.1), 6.25 with lengths [2, 4] / [1, 2] and beta = 0.25."""
    pc, pr = np.array([-12.0, -30.0]), np.array([-15.0, -25.0])
    rc, rr = np.array([-13.0, -28.0]), np.array([-14.0, -27.0])
    got, dt = run(impl, fw, pc, pr, rc, rr, beta=0.1)
    assert_close(got, 45.0, dtype=dt, what="the loss of the first example")
    got, dt = run(impl, fw, pc, pr, rc, rr, np.array([2, 4]), np.array([1, 2]), beta=0.25)
    assert_close(got, 6.25, dtype=dt, what="the loss of the example with lengths")


def test_matches_definition_float64(impl, fw):
    """float64 batch without lengths: the mean of (h - 1 / (2 beta))^2, h the difference of the log-ratios."""
    rng = np.random.default_rng(0)
    inputs = sample(rng, 16)
    for beta in (0.1, 0.5):
        got, dt = run(impl, fw, *inputs, beta=beta)
        assert_close(got, reference(*inputs, beta=beta), dtype=dt, what=f"the loss with beta = {beta}")


def test_lengths_average_the_log_probs(impl, fw):
    """With lengths, each log-ratio is divided by its own sequence's token count (chosen and rejected separately)."""
    rng = np.random.default_rng(1)
    pc, pr, rc, rr = sample(rng, 12, spread=20.0)
    lc, lr = lengths(rng, 12)
    got, dt = run(impl, fw, pc, pr, rc, rr, lc, lr, beta=0.1)
    assert_close(got, reference(pc, pr, rc, rr, lc, lr, 0.1), dtype=dt, what="the loss with lengths")
    averaged, dt = run(impl, fw, pc / lc, pr / lr, rc / lc, rr / lr, beta=0.1)
    assert_close(got, averaged, dtype=dt, what="the loss with lengths (vs the per-token averages given without lengths)")


def test_lengths_of_one_change_nothing(impl, fw):
    """Lengths of all ones give the same loss as no lengths."""
    rng = np.random.default_rng(2)
    inputs = sample(rng, 7)
    ones = np.ones(7, dtype=np.int64)
    got, dt = run(impl, fw, *inputs, ones, ones, beta=0.2)
    assert_close(got, reference(*inputs, beta=0.2), dtype=dt, what="the loss with lengths of 1")


def test_float32_inputs(impl, fw):
    """float32 inputs are accepted and the loss is accurate to float32 precision, with and without lengths."""
    rng = np.random.default_rng(3)
    inputs = [np.asarray(a, dtype=np.float32).astype(np.float64) for a in sample(rng, 32)]
    got, dt = run(impl, fw, *inputs, beta=0.1, dtype="float32")
    assert_close(got, reference(*inputs, beta=0.1), dtype=dt, what="the loss (float32)", **F32)
    lc, lr = lengths(rng, 32)
    got, dt = run(impl, fw, *inputs, lc, lr, beta=0.1, dtype="float32")
    assert_close(got, reference(*inputs, lc, lr, 0.1), dtype=dt, what="the loss with lengths (float32)", **F32)


def test_output_keeps_the_inputs_precision(impl, fw):
    """float64 inputs give a float64 loss; float32 inputs give float32 or float64, never less."""
    rng = np.random.default_rng(12)
    pc, pr, rc, rr = sample(rng, 4)
    lc, lr = lengths(rng, 4)
    for dtype, allowed in (("float64", ("float64",)), ("float32", ("float32", "float64"))):
        for with_lengths in (False, True):
            out = call(impl, fw, pc, pr, rc, rr, *((lc, lr) if with_lengths else (None, None)), dtype=dtype)
            fw.to_numpy(out, what="the loss")
            got = str(getattr(out, "dtype", "float64")).removeprefix("torch.")
            label = "with lengths" if with_lengths else "without lengths"
            check(got in allowed, f"the loss ({label}) is {got} for {dtype} inputs; expected {' or '.join(allowed)} (the inputs' precision or higher)")


def test_mean_over_the_batch(impl, fw):
    """The loss is the batch mean, not the sum: a batch repeated twice has the same loss; B = 1 is that pair's term."""
    rng = np.random.default_rng(4)
    inputs = sample(rng, 5)
    once, dt = run(impl, fw, *inputs, beta=0.1)
    twice, _ = run(impl, fw, *(np.concatenate([a, a]) for a in inputs), beta=0.1)
    assert_close(twice, once, dtype=dt, what="the loss of the batch repeated twice (vs the batch once)")
    single = [a[:1] for a in inputs]
    got, dt = run(impl, fw, *single, beta=0.1)
    assert_close(got, reference(*single, beta=0.1), dtype=dt, what="the loss for B = 1")


def test_default_beta_is_0_1(impl, fw):
    """Called without beta, the target is 1 / (2 * 0.1) = 5: margins of exactly 5 give a loss of 0."""
    rc, rr = np.array([-20.0, -30.0, -40.0]), np.array([-25.0, -35.0, -45.0])
    pc, pr = rc + np.array([2.0, 4.0, 0.0]), rr + np.array([-3.0, -1.0, -5.0])  # h = 5 everywhere
    got, dt = run(impl, fw, pc, pr, rc, rr, beta=None)
    assert_close(got, 0.0, dtype=dt, what="the loss with the default beta at h = 5")
    rng = np.random.default_rng(5)
    inputs = sample(rng, 6)
    got, dt = run(impl, fw, *inputs, beta=None)
    assert_close(got, reference(*inputs, beta=0.1), dtype=dt, what="the loss with the default beta")


def test_zero_at_the_target_margin(impl, fw):
    """The loss is 0 exactly when every h = 1 / (2 beta), and positive on either side of it."""
    rng = np.random.default_rng(6)
    rc, rr = -rng.uniform(10.0, 50.0, 4), -rng.uniform(10.0, 50.0, 4)
    for beta in (0.05, 0.5, 2.0):
        target = 1.0 / (2.0 * beta)
        shift = rng.normal(0.0, 3.0, 4)
        pc, pr = rc + target + shift, rr + shift  # h = target
        got, dt = run(impl, fw, pc, pr, rc, rr, beta=beta)
        assert_close(got, 0.0, dtype=dt, atol=1e-9, what=f"the loss at h = 1 / (2 beta) with beta = {beta}")
        for delta in (-1.0, 1.0):
            got, dt = run(impl, fw, pc + delta, pr, rc, rr, beta=beta)
            assert_close(got, 1.0, dtype=dt, what=f"the loss at h = 1 / (2 beta) {delta:+g} with beta = {beta}")


def test_large_magnitudes(impl, fw):
    """Summed log-probs of -1e4 and beyond with long sequences: finite and accurate in float64 and float32."""
    rng = np.random.default_rng(7)
    rc, rr = -rng.uniform(5e3, 2e4, 6), -rng.uniform(5e3, 2e4, 6)
    pc, pr = rc + rng.normal(0.0, 500.0, 6), rr + rng.normal(0.0, 500.0, 6)
    lc, lr = rng.integers(500, 4000, 6), rng.integers(500, 4000, 6)
    got, dt = run(impl, fw, pc, pr, rc, rr, lc, lr, beta=0.1)
    assert_close(got, reference(pc, pr, rc, rr, lc, lr, 0.1), dtype=dt, what="the loss at large magnitudes (float64)")
    got, dt = run(impl, fw, pc, pr, rc, rr, beta=0.01)
    assert_close(got, reference(pc, pr, rc, rr, beta=0.01), dtype=dt, what="the loss at large margins (float64)")
    f32 = [np.asarray(a, dtype=np.float32).astype(np.float64) for a in (pc, pr, rc, rr)]
    got, dt = run(impl, fw, *f32, beta=0.01, dtype="float32")
    assert_close(got, reference(*f32, beta=0.01), dtype=dt, rtol=1e-4, what="the loss at large margins (float32)")


def test_errors(impl, fw):
    """beta <= 0 raises ValueError; so does giving only one of chosen_lengths and rejected_lengths."""
    inputs = sample(np.random.default_rng(8), 3)
    for beta in (0.0, -0.1):
        try:
            call(impl, fw, *inputs, beta=beta)
        except ValueError:
            pass
        else:
            fail(f"beta = {beta} did not raise ValueError (tau must be positive)")
    args = [fw.array(a) for a in inputs]
    ones = np.ones(3, dtype=np.int64)
    for kwargs, name in (({"chosen_lengths": fw.array(ones)}, "chosen_lengths"),
                         ({"rejected_lengths": fw.array(ones)}, "rejected_lengths")):
        try:
            impl.ipo_loss(*args, beta=0.1, **kwargs)
        except ValueError:
            pass
        else:
            fail(f"giving only {name} did not raise ValueError")


def test_inputs_not_modified(impl, fw):
    """The input arrays and the lengths are unchanged after the call."""
    rng = np.random.default_rng(9)
    inputs = sample(rng, 6)
    lc, lr = lengths(rng, 6)
    for dtype in ("float64", "float32"):
        args = [fw.array(a, dtype) for a in inputs]
        lens = [fw.array(lc, "int64"), fw.array(lr, "int64")]
        impl.ipo_loss(*args, *lens, beta=0.1)
        for name, given_, original in zip(INPUTS, args, inputs):
            assert_close(fw.to_numpy(given_, what=name), np.asarray(original, dtype=dtype), dtype=dtype,
                         what=f"input {name} ({dtype}) after the call")
        for name, given_, original in zip(("chosen_lengths", "rejected_lengths"), lens, (lc, lr)):
            assert_close(fw.to_numpy(given_, what=name), original, what=f"input {name} after the call")


def policy_gradients(impl, pc, pr, rc, rr, lc, lr, beta):
    import torch

    dtype = torch.float64
    pc_t = torch.tensor(pc, dtype=dtype, requires_grad=True)
    pr_t = torch.tensor(pr, dtype=dtype, requires_grad=True)
    extra = [] if lc is None else [torch.tensor(lc), torch.tensor(lr)]
    loss = impl.ipo_loss(pc_t, pr_t, torch.tensor(rc, dtype=dtype), torch.tensor(rr, dtype=dtype), *extra, beta=beta)
    check(isinstance(loss, torch.Tensor) and loss.requires_grad,
          "the loss is not differentiable with respect to the policy log-probs (detached, or built outside torch)")
    check(loss.dim() == 0, f"the loss has shape {tuple(loss.shape)}; expected a scalar")
    loss.backward()
    check(pc_t.grad is not None, "no gradient reached policy_chosen_logps")
    check(pr_t.grad is not None, "no gradient reached policy_rejected_logps")
    return pc_t.grad.numpy(), pr_t.grad.numpy()


def analytic(pc, pr, rc, rr, lc, lr, beta):
    """d loss / d pi_c = 2 (h - 1/(2 beta)) / (B L_c); d loss / d pi_r = -2 (h - 1/(2 beta)) / (B L_r)."""
    lc = np.ones(len(pc)) if lc is None else np.asarray(lc, dtype=np.float64)
    lr = np.ones(len(pc)) if lr is None else np.asarray(lr, dtype=np.float64)
    h = (pc - rc) / lc - (pr - rr) / lr
    g = 2.0 * (h - 1.0 / (2.0 * beta)) / len(pc)
    return g / lc, -g / lr


@pytest.mark.framework("torch")
def test_gradients(impl, fw):
    """torch: the gradient is 2 (h - 1/(2 beta)) / (B * length) for the chosen policy log-probs, minus that for the rejected."""
    rng = np.random.default_rng(10)
    pc, pr, rc, rr = sample(rng, 7, spread=10.0)
    lc, lr = lengths(rng, 7)
    for lens, beta in (((None, None), 0.1), ((lc, lr), 0.1), ((lc, lr), 1.0)):
        g_c, g_r = policy_gradients(impl, pc, pr, rc, rr, *lens, beta)
        e_c, e_r = analytic(pc, pr, rc, rr, *lens, beta)
        label = "with lengths" if lens[0] is not None else "without lengths"
        assert_close(g_c, e_c, what=f"the gradient with respect to policy_chosen_logps ({label}, beta = {beta})")
        assert_close(g_r, e_r, what=f"the gradient with respect to policy_rejected_logps ({label}, beta = {beta})")


@pytest.mark.framework("torch")
def test_gradient_zero_at_the_minimum(impl, fw):
    """torch: at h = 1 / (2 beta) for every pair the gradient is 0; above it, it pushes h down (not up)."""
    rc, rr = np.array([-30.0, -12.0]), np.array([-20.0, -18.0])
    lc, lr = np.array([3, 5]), np.array([2, 4])
    beta = 0.25  # target 2
    pc, pr = rc + 2.0 * lc, rr.copy()  # averaged chosen log-ratio 2, rejected 0
    g_c, g_r = policy_gradients(impl, pc, pr, rc, rr, lc, lr, beta)
    assert_close(g_c, np.zeros(2), what="the gradient with respect to policy_chosen_logps at the minimum")
    assert_close(g_r, np.zeros(2), what="the gradient with respect to policy_rejected_logps at the minimum")
    g_c, g_r = policy_gradients(impl, pc + 3.0 * lc, pr, rc, rr, lc, lr, beta)
    check(bool((g_c > 0).all()) and bool((g_r < 0).all()),
          "with h above 1 / (2 beta), gradient descent should lower h: d loss / d policy_chosen > 0, d loss / d policy_rejected < 0")


@SETTINGS
@given(
    b=st.integers(1, 6),
    beta=st.sampled_from([0.01, 0.1, 0.25, 1.0, 5.0]),
    scale=st.sampled_from([0.5, 10.0, 300.0]),
    with_lengths=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_matches_plain_formula_on_random_inputs(impl, fw, b, beta, scale, with_lengths, seed):
    """On many random batches, betas, margin sizes and lengths (float64), agrees with the formula pair by pair."""
    rng = np.random.default_rng(seed)
    rc, rr = -rng.uniform(0.0, 4.0 * scale, b), -rng.uniform(0.0, 4.0 * scale, b)
    pc, pr = rc + rng.normal(0.0, scale, b), rr + rng.normal(0.0, scale, b)
    lc, lr = lengths(rng, b) if with_lengths else (None, None)
    got, dt = run(impl, fw, pc, pr, rc, rr, lc, lr, beta=beta)
    assert_close(got, loop_reference(pc, pr, rc, rr, lc, lr, beta), dtype=dt)
