"""Hidden suite for `reinforce_baseline` (NumPy and torch). Inputs are built in NumPy, references computed in float64."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from postprep.drills.harness import assert_close, check, fail

SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=40)


def loop_returns(rewards, dones, gamma):
    """G_t = sum_k gamma^k r_{t+k} up to and including the step that ends t's episode, one column at a time."""
    r = np.asarray(rewards, dtype=np.float64)
    squeeze = r.ndim == 1
    r = r.reshape(r.shape[0], -1)
    d = np.asarray(dones, dtype=bool).reshape(r.shape)
    g = np.zeros_like(r)
    for e in range(r.shape[1]):
        for t in range(r.shape[0]):
            total, k = 0.0, 0
            while t + k < r.shape[0]:
                total += gamma ** k * r[t + k, e]
                if d[t + k, e]:
                    break
                k += 1
            g[t, e] = total
    return g[:, 0] if squeeze else g


def reference_loss(logps, rewards, dones, gamma, baseline=None):
    g = loop_returns(rewards, dones, gamma)
    b = g.mean() if baseline is None else np.asarray(baseline, dtype=np.float64)
    return float(-np.mean(np.asarray(logps, dtype=np.float64) * (g - b)))


def sample(rng, t_len, envs=None, p_done=0.3):
    shape = (t_len,) if envs is None else (t_len, envs)
    rewards = rng.normal(0.5, 1.0, shape)
    dones = rng.random(shape) < p_done
    logps = -rng.uniform(0.05, 3.0, shape)
    return logps, rewards, dones


def lower_precision(a, b):
    order = ["float16", "bfloat16", "float32", "float64"]
    return min(a, b, key=lambda x: order.index(x) if x in order else 3)


def dtype_of(value, default="float64"):
    return str(getattr(value, "dtype", default)).removeprefix("torch.")


def run_returns(impl, fw, rewards, dones, gamma=None, dtype="float64"):
    args = [fw.array(rewards, dtype), fw.array(dones, "bool")]
    out = impl.returns_to_go(*args) if gamma is None else impl.returns_to_go(*args, gamma=gamma)
    got = fw.to_numpy(out, what="the returns")
    check(got.shape == np.shape(rewards), f"the returns have shape {tuple(got.shape)}; expected {np.shape(rewards)}, the shape of rewards")
    return got, lower_precision(dtype, fw.dtype_name(out))


def call_loss(impl, fw, logps, rewards, dones, gamma=None, baseline="none", dtype="float64"):
    args = [fw.array(logps, dtype), fw.array(rewards, dtype), fw.array(dones, "bool")]
    kwargs = {} if gamma is None else {"gamma": gamma}
    if not isinstance(baseline, str):
        kwargs["baseline"] = baseline if isinstance(baseline, float) else fw.array(baseline, dtype)
    return impl.reinforce_loss(*args, **kwargs)


def run_loss(impl, fw, logps, rewards, dones, gamma=None, baseline="none", dtype="float64"):
    out = call_loss(impl, fw, logps, rewards, dones, gamma, baseline, dtype)
    got = fw.to_numpy(out, what="the loss")
    check(got.shape == (), f"the loss has shape {tuple(got.shape)}; expected a scalar (the mean over all steps)")
    return got, lower_precision(dtype, dtype_of(out))


def example():
    return np.array([-0.5, -1.0, -2.0, -0.1]), np.array([1.0, 2.0, 0.0, 3.0]), np.array([False, True, False, True])


def test_worked_example(impl, fw):
    """The prompt's example: returns [2, 2, 1.5, 3]; loss -0.3375 with the batch-mean baseline, 0.675 with baseline 1."""
    logps, rewards, dones = example()
    got, dt = run_returns(impl, fw, rewards, dones, 0.5)
    assert_close(got, [2.0, 2.0, 1.5, 3.0], dtype=dt, what="the returns")
    loss, dt = run_loss(impl, fw, logps, rewards, dones, 0.5)
    assert_close(loss, -0.3375, dtype=dt, what="the loss with the batch-mean baseline")
    loss, dt = run_loss(impl, fw, logps, rewards, dones, 0.5, baseline=1.0)
    assert_close(loss, 0.675, dtype=dt, what="the loss with baseline 1.0")


def test_returns_match_loop(impl, fw):
    """Returns-to-go match sum_k gamma^k r_{t+k} within each episode, for several gamma."""
    rng = np.random.default_rng(0)
    _, rewards, dones = sample(rng, 15)
    for gamma in (0.99, 0.5, 1.0, 0.0):
        got, dt = run_returns(impl, fw, rewards, dones, gamma)
        assert_close(got, loop_returns(rewards, dones, gamma), dtype=dt, what=f"the returns with gamma = {gamma}")


def test_returns_batched_environments(impl, fw):
    """(T, E) inputs: time is axis 0 and each column is its own stream of episodes."""
    rng = np.random.default_rng(1)
    _, rewards, dones = sample(rng, 9, envs=3)
    got, dt = run_returns(impl, fw, rewards, dones, 0.9)
    assert_close(got, loop_returns(rewards, dones, 0.9), dtype=dt, what="the returns of a (T, E) batch")


def test_episode_end_cuts_the_return(impl, fw):
    """The return of a step never includes rewards after its episode's end; an unfinished last episode is truncated."""
    rewards = np.array([1.0, 1.0, 100.0, 1.0, 1.0])
    dones = np.array([False, True, False, False, False])
    got, dt = run_returns(impl, fw, rewards, dones, 1.0)
    assert_close(got, [2.0, 1.0, 102.0, 2.0, 1.0], dtype=dt, what="the returns with gamma = 1 around an episode end")


def test_default_gamma(impl, fw):
    """Called without gamma, both functions use gamma = 0.99."""
    rng = np.random.default_rng(2)
    logps, rewards, dones = sample(rng, 10)
    got, dt = run_returns(impl, fw, rewards, dones)
    assert_close(got, loop_returns(rewards, dones, 0.99), dtype=dt, what="the returns with the default gamma")
    loss, dt = run_loss(impl, fw, logps, rewards, dones)
    assert_close(loss, reference_loss(logps, rewards, dones, 0.99), dtype=dt, what="the loss with the default gamma")


def test_loss_with_batch_mean_baseline(impl, fw):
    """baseline=None: b is the mean of all the returns of the batch; loss = -mean(logps * (G - b)) over all steps."""
    rng = np.random.default_rng(3)
    logps, rewards, dones = sample(rng, 8, envs=3)
    loss, dt = run_loss(impl, fw, logps, rewards, dones, 0.9)
    assert_close(loss, reference_loss(logps, rewards, dones, 0.9), dtype=dt, what="the loss with the batch-mean baseline")


def test_loss_with_given_baselines(impl, fw):
    """A float baseline, or an array shaped like the rewards (e.g. value predictions), is subtracted from the returns."""
    rng = np.random.default_rng(4)
    logps, rewards, dones = sample(rng, 10)
    for b in (0.0, 2.5):
        loss, dt = run_loss(impl, fw, logps, rewards, dones, 0.95, baseline=b)
        assert_close(loss, reference_loss(logps, rewards, dones, 0.95, b), dtype=dt, what=f"the loss with baseline {b}")
    values = rng.normal(0.0, 1.0, 10)
    loss, dt = run_loss(impl, fw, logps, rewards, dones, 0.95, baseline=values)
    assert_close(loss, reference_loss(logps, rewards, dones, 0.95, values), dtype=dt, what="the loss with a per-step baseline array")


def test_float32_inputs(impl, fw):
    """float32 inputs are accepted and the returns and loss are accurate to float32 precision."""
    rng = np.random.default_rng(5)
    logps, rewards, dones = sample(rng, 40, envs=2, p_done=0.05)
    logps, rewards = (np.asarray(a, dtype=np.float32).astype(np.float64) for a in (logps, rewards))
    got, dt = run_returns(impl, fw, rewards, dones, 0.99, dtype="float32")
    assert_close(got, loop_returns(rewards, dones, 0.99), dtype=dt, rtol=1e-5, atol=1e-5, what="the returns (float32)")
    loss, dt = run_loss(impl, fw, logps, rewards, dones, 0.99, dtype="float32")
    assert_close(loss, reference_loss(logps, rewards, dones, 0.99), dtype=dt, rtol=1e-4, atol=1e-5, what="the loss (float32)")


def test_outputs_keep_the_inputs_precision(impl, fw):
    """float64 inputs give float64 returns and loss; float32 inputs give float32 or float64, never less."""
    logps, rewards, dones = sample(np.random.default_rng(12), 6, envs=2)
    for dtype, allowed in (("float64", ("float64",)), ("float32", ("float32", "float64"))):
        out = impl.returns_to_go(fw.array(rewards, dtype), fw.array(dones, "bool"), gamma=0.9)
        fw.to_numpy(out, what="the returns")
        got = fw.dtype_name(out)
        check(got in allowed, f"the returns are {got} for {dtype} rewards; expected {' or '.join(allowed)} (the inputs' precision or higher)")
        out = call_loss(impl, fw, logps, rewards, dones, 0.9, dtype=dtype)
        fw.to_numpy(out, what="the loss")
        got = dtype_of(out)
        check(got in allowed, f"the loss is {got} for {dtype} inputs; expected {' or '.join(allowed)} (the inputs' precision or higher)")


def test_errors(impl, fw):
    """gamma outside [0, 1], or dones / logps not shaped like rewards, raise ValueError."""
    logps, rewards, dones = sample(np.random.default_rng(6), 4)
    for gamma in (-0.1, 1.5):
        try:
            impl.returns_to_go(fw.array(rewards), fw.array(dones, "bool"), gamma=gamma)
        except ValueError:
            pass
        else:
            fail(f"returns_to_go with gamma = {gamma} did not raise ValueError")
    try:
        impl.returns_to_go(fw.array(rewards), fw.array(dones[:3], "bool"), gamma=0.9)
    except ValueError:
        pass
    else:
        fail("returns_to_go with 3 dones for 4 rewards did not raise ValueError")
    try:
        impl.reinforce_loss(fw.array(logps[:3]), fw.array(rewards), fw.array(dones, "bool"), gamma=0.9)
    except ValueError:
        pass
    else:
        fail("reinforce_loss with 3 logps for 4 rewards did not raise ValueError")


def test_inputs_not_modified(impl, fw):
    """logps, rewards, dones and a baseline array are unchanged after the calls."""
    rng = np.random.default_rng(7)
    logps, rewards, dones = sample(rng, 6, envs=2)
    values = rng.normal(0.0, 1.0, (6, 2))
    args = [fw.array(logps), fw.array(rewards), fw.array(dones, "bool"), fw.array(values)]
    impl.returns_to_go(args[1], args[2], gamma=0.9)
    impl.reinforce_loss(*args[:3], gamma=0.9, baseline=args[3])
    impl.reinforce_loss(*args[:3], gamma=0.9)
    for name, given_, original in zip(("logps", "rewards", "dones", "baseline"), args, (logps, rewards, dones, values)):
        assert_close(fw.to_numpy(given_, what=name), np.asarray(original, dtype=np.float64), what=f"input {name} after the call")


def torch_loss(impl, logps, rewards, dones, gamma, baseline="none"):
    import torch

    lp = torch.tensor(logps, requires_grad=True) if not isinstance(logps, torch.Tensor) else logps
    kwargs = {"gamma": gamma}
    if not isinstance(baseline, str):
        kwargs["baseline"] = baseline
    loss = impl.reinforce_loss(lp, torch.tensor(rewards), torch.tensor(dones), **kwargs)
    check(isinstance(loss, torch.Tensor) and loss.requires_grad,
          "the loss is not differentiable with respect to logps (detached, or built outside torch)")
    return lp, loss


@pytest.mark.framework("torch")
def test_gradient_with_respect_to_logps(impl, fw):
    """torch: d loss / d logps_t = -(G_t - b) / n (n = number of steps), with b the batch mean or the given baseline."""
    rng = np.random.default_rng(8)
    logps, rewards, dones = sample(rng, 7, envs=2)
    g = loop_returns(rewards, dones, 0.9)
    for b in ("none", 1.5):
        lp, loss = torch_loss(impl, logps, rewards, dones, 0.9, b)
        loss.reshape(()).backward()
        check(lp.grad is not None, "no gradient reached logps")
        base = g.mean() if b == "none" else b
        assert_close(lp.grad.numpy(), -(g - base) / g.size, what=f"the gradient with respect to logps (baseline {b})")


@pytest.mark.framework("torch")
def test_learned_baseline_is_detached(impl, fw):
    """torch: a baseline tensor that requires grad (a value head) gets no gradient from the loss, and the logps gradient ignores its graph."""
    import torch

    rng = np.random.default_rng(9)
    logps, rewards, dones = sample(rng, 6)
    values = torch.tensor(rng.normal(0.0, 1.0, 6), requires_grad=True)
    lp, loss = torch_loss(impl, logps, rewards, dones, 0.9, values)
    loss.reshape(()).backward()
    check(values.grad is None or bool((values.grad == 0).all()),
          "a gradient reached the baseline: detach it (the policy loss must not train the baseline)")
    g = loop_returns(rewards, dones, 0.9)
    assert_close(lp.grad.numpy(), -(g - values.detach().numpy()) / 6, what="the gradient with respect to logps with a learned baseline")


@pytest.mark.framework("torch")
def test_constant_baseline_leaves_the_expected_gradient_unchanged(impl, fw):
    """torch: on a batch whose actions appear exactly in proportion to the policy, any constant baseline gives the same gradient on the logits."""
    import torch

    # one-step episodes of a 3-armed bandit; policy probabilities [1/2, 1/4, 1/4], batch of 8 = exact frequencies
    probs = np.array([0.5, 0.25, 0.25])
    actions = np.array([0, 0, 0, 0, 1, 1, 2, 2])
    arm_rewards = np.array([1.0, 3.0, -2.0])
    rewards = arm_rewards[actions]
    dones = np.ones(8, dtype=bool)
    grads = []
    for b in ("none", 0.0, 5.0, -3.0):
        theta = torch.tensor(np.log(probs) + 0.7, requires_grad=True)
        logps = torch.log_softmax(theta, dim=0)[torch.tensor(actions)]
        _, loss = torch_loss(impl, logps, rewards, dones, 0.99, b)
        loss.reshape(()).backward()
        check(theta.grad is not None, "no gradient reached the policy logits through logps")
        grads.append((b, theta.grad.numpy().copy()))
    # the exact policy gradient of -E[R]: -(p_a (R_a - E[R])) per logit
    expected = -probs * (arm_rewards - probs @ arm_rewards)
    for b, grad in grads:
        assert_close(grad, expected, what=f"the gradient on the logits with baseline {b} (the expected policy gradient)")


@SETTINGS
@given(
    t_len=st.integers(1, 8),
    envs=st.sampled_from([None, 1, 3]),
    gamma=st.sampled_from([0.0, 0.5, 0.9, 0.99, 1.0]),
    p_done=st.sampled_from([0.0, 0.3, 0.9]),
    use_baseline=st.sampled_from(["none", "float", "array"]),
    seed=st.integers(0, 2**16),
)
def test_matches_loop_spec_on_random_rollouts(impl, fw, t_len, envs, gamma, p_done, use_baseline, seed):
    """On many random rollouts, shapes, episode ends, gamma and baselines (float64), returns and loss agree with a plain loop."""
    rng = np.random.default_rng(seed)
    logps, rewards, dones = sample(rng, t_len, envs, p_done)
    got, dt = run_returns(impl, fw, rewards, dones, gamma)
    assert_close(got, loop_returns(rewards, dones, gamma), dtype=dt, what="the returns")
    b = {"none": "none", "float": float(rng.normal()), "array": rng.normal(0.0, 1.0, rewards.shape)}[use_baseline]
    loss, dt = run_loss(impl, fw, logps, rewards, dones, gamma, baseline=b)
    assert_close(loss, reference_loss(logps, rewards, dones, gamma, None if isinstance(b, str) else b), dtype=dt, what="the loss")
