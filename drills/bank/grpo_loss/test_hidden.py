"""Hidden suite for `grpo_loss` (torch only). Inputs are built in NumPy, references computed in float64."""

import math

import numpy as np
import torch
from hypothesis import given, settings, strategies as st

from postprep.drills.harness import assert_close, assert_finite, check, fail

SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=30)
F32 = {"rtol": 1e-4, "atol": 1e-5}


def loop_reference(logps, old, ref, rewards, mask, g, epsilon, beta, std_eps=1e-4):
    """(loss, advantages) by the definition, one group, sequence and token at a time, in float64."""
    n, t_len = len(rewards), len(logps[0])
    adv = [0.0] * n
    for start in range(0, n, g):
        rs = [float(r) for r in rewards[start:start + g]]
        mu = sum(rs) / g
        sd = math.sqrt(sum((r - mu) ** 2 for r in rs) / (g - 1))
        for k in range(g):
            adv[start + k] = (rs[k] - mu) / (sd + std_eps)
    total = 0.0
    for i in range(n):
        acc, count = 0.0, 0
        for t in range(t_len):
            if not mask[i][t]:
                continue
            lp, lo, lr = float(logps[i][t]), float(old[i][t]), float(ref[i][t])
            ratio = math.exp(lp - lo)
            clipped = min(max(ratio, 1.0 - epsilon), 1.0 + epsilon)
            surrogate = min(ratio * adv[i], clipped * adv[i])
            kl = math.exp(lr - lp) - (lr - lp) - 1.0
            acc += -surrogate + beta * kl
            count += 1
        total += acc / count
    return total / n, np.array(adv)


def torch_reference(logps, old, ref, rewards, mask, g, epsilon, beta):
    """The same loss in float64 torch, for autograd gradients with respect to logps."""
    r = torch.tensor(rewards, dtype=torch.float64).reshape(-1, g)
    adv = ((r - r.mean(1, keepdim=True)) / (r.std(1, keepdim=True) + 1e-4)).reshape(-1, 1)
    ratio = torch.exp(logps - torch.tensor(old))
    per = -torch.min(ratio * adv, torch.clamp(ratio, 1 - epsilon, 1 + epsilon) * adv)
    d = torch.tensor(ref) - logps
    per = per + beta * (torch.exp(d) - d - 1)
    m = torch.tensor(mask, dtype=torch.float64)
    return ((per * m).sum(1) / m.sum(1)).mean()


def sample(rng, groups, g, t_len, drift=0.3):
    """Per-token log-probs in [-4, -0.05], the current policy and the reference near the old policy; ragged masks."""
    n = groups * g
    old = -rng.uniform(0.05, 4.0, (n, t_len))
    logps = old + rng.normal(0.0, drift, (n, t_len))
    ref = old + rng.normal(0.0, drift, (n, t_len))
    rewards = rng.integers(0, 3, n).astype(np.float64) + rng.normal(0.0, 0.1, n)
    lengths = rng.integers(1, t_len + 1, n)
    mask = np.arange(t_len)[None, :] < lengths[:, None]
    return logps, old, ref, rewards, mask


def unpack(out):
    check(isinstance(out, (tuple, list)) and len(out) == 2, f"grpo_loss returned {type(out).__name__}; expected a tuple (loss, advantages)")
    return tuple(out)


def call(impl, logps, old, ref, rewards, mask, g, dtype=torch.float64, **kwargs):
    args = [torch.tensor(np.asarray(a), dtype=dtype) for a in (logps, old, ref, rewards)]
    args.append(torch.tensor(np.asarray(mask, dtype=bool)))
    return unpack(impl.grpo_loss(*args, g, **kwargs))


def run(impl, logps, old, ref, rewards, mask, g, dtype=torch.float64, **kwargs):
    loss, adv = call(impl, logps, old, ref, rewards, mask, g, dtype, **kwargs)
    check(isinstance(loss, torch.Tensor) and loss.numel() == 1, "the loss must be a scalar torch tensor (0-dim)")
    check(isinstance(adv, torch.Tensor), f"advantages is {type(adv).__name__}; expected a torch.Tensor")
    n = len(rewards)
    check(tuple(adv.shape) == (n,), f"advantages has shape {tuple(adv.shape)}; expected ({n},), one per completion")
    dt = "float32" if loss.dtype == torch.float32 else "float64"
    return loss.detach().to(torch.float64).reshape(()).numpy(), adv.detach().to(torch.float64).numpy(), dt


def test_worked_example(impl, fw):
    """The prompt's example: advantages [0, -0.9999, 0.9999] and loss 0.0427038 (0.0414494 with beta = 0)."""
    logps = np.array([[-1.0, -1.0, -1.0], [-0.5, -1.0, 0.0], [-0.7, 0.0, 0.0]])
    old = np.full((3, 3), -1.0)
    mask = np.array([[1, 1, 1], [1, 1, 0], [1, 0, 0]], dtype=bool)
    rewards = np.array([1.0, 0.0, 2.0])
    loss, adv, dt = run(impl, logps, old, old.copy(), rewards, mask, 3)
    assert_close(adv, [0.0, -0.9999000099990001, 0.9999000099990001], dtype=dt, what="advantages")
    assert_close(loss, 0.042703847517177485, dtype=dt, what="the loss")
    loss, _, dt = run(impl, logps, old, old.copy(), rewards, mask, 3, beta=0.0)
    assert_close(loss, 0.04144940017667039, dtype=dt, what="the loss with beta = 0")


def test_advantages_per_group_unbiased_std(impl, fw):
    """Advantages are (r - group mean) / (group std + 1e-4) per group of G consecutive rows, std with n - 1."""
    rng = np.random.default_rng(0)
    inputs = sample(rng, 3, 4, 5)
    _, adv, dt = run(impl, *inputs, 4)
    r = inputs[3].reshape(3, 4)
    expected = ((r - r.mean(1, keepdims=True)) / (r.std(1, ddof=1, keepdims=True) + 1e-4)).reshape(-1)
    assert_close(adv, expected, dtype=dt, what="advantages (per group, unbiased std)")


def test_std_eps_argument(impl, fw):
    """The std_eps argument is the constant added to the group std (not a fixed 1e-4)."""
    rng = np.random.default_rng(13)
    inputs = sample(rng, 2, 3, 5)
    for std_eps in (0.5, 1e-8):
        loss, adv, dt = run(impl, *inputs, 3, std_eps=std_eps)
        e_loss, e_adv = loop_reference(*inputs, 3, 0.2, 0.04, std_eps)
        assert_close(adv, e_adv, dtype=dt, what=f"advantages with std_eps = {std_eps}")
        assert_close(loss, e_loss, dtype=dt, what=f"the loss with std_eps = {std_eps}")


def test_equal_rewards_give_zero_advantage(impl, fw):
    """A group whose rewards are all equal gets advantages of exactly 0 (no NaN), and the loss stays finite."""
    rng = np.random.default_rng(1)
    logps, old, ref, rewards, mask = sample(rng, 3, 3, 4)
    rewards[3:6] = 1.0  # group 1: all equal
    rewards[6:9] = 0.0  # group 2: all zero
    loss, adv, dt = run(impl, logps, old, ref, rewards, mask, 3)
    assert_finite(adv, what="advantages with all-equal groups")
    assert_close(adv[3:], np.zeros(6), dtype=dt, what="advantages of the all-equal groups")
    assert_finite(loss, what="the loss with all-equal groups")
    assert_close(loss, loop_reference(logps, old, ref, rewards, mask, 3, 0.2, 0.04)[0], dtype=dt, what="the loss")


def test_matches_definition_float64(impl, fw):
    """float64, several groups, ragged masks, epsilon and beta: the loss and advantages match the definition."""
    rng = np.random.default_rng(2)
    inputs = sample(rng, 4, 3, 6, drift=0.5)
    for epsilon, beta in ((0.2, 0.04), (0.1, 0.0), (0.3, 0.5)):
        loss, adv, dt = run(impl, *inputs, 3, epsilon=epsilon, beta=beta)
        e_loss, e_adv = loop_reference(*inputs, 3, epsilon, beta)
        assert_close(loss, e_loss, dtype=dt, what=f"the loss (epsilon = {epsilon}, beta = {beta})")
        assert_close(adv, e_adv, dtype=dt, what="advantages")


def test_float32_inputs(impl, fw):
    """float32 inputs are accepted and the loss is accurate to float32 precision."""
    rng = np.random.default_rng(3)
    inputs = [np.asarray(a, dtype=np.float32).astype(np.float64) for a in sample(rng, 3, 4, 8)[:4]]
    mask = sample(np.random.default_rng(4), 3, 4, 8)[4]
    loss, adv, dt = run(impl, *inputs, mask, 4, dtype=torch.float32)
    e_loss, e_adv = loop_reference(*inputs, mask, 4, 0.2, 0.04)
    assert_close(loss, e_loss, dtype=dt, what="the loss (float32)", **F32)
    assert_close(adv, e_adv, dtype=dt, what="advantages (float32)", **F32)


def test_outputs_keep_the_inputs_precision(impl, fw):
    """float64 inputs give a float64 loss and advantages; float32 inputs give float32 or float64, never less."""
    inputs = sample(np.random.default_rng(14), 2, 3, 4)
    for dtype, allowed in ((torch.float64, ("float64",)), (torch.float32, ("float32", "float64"))):
        loss, adv = call(impl, *inputs, 3, dtype)
        want = str(dtype).replace("torch.", "")
        for value, name in ((loss, "the loss"), (adv, "advantages")):
            check(isinstance(value, torch.Tensor), f"{name} is {type(value).__name__}; expected a torch.Tensor")
            got = str(value.dtype).replace("torch.", "")
            check(got in allowed, f"{name} is {got} for {want} inputs; expected {' or '.join(allowed)} (the inputs' precision or higher)")


def test_mean_per_sequence_then_over_sequences(impl, fw):
    """Each completion's token losses are averaged over its own length, then completions are averaged (not one mean over all tokens)."""
    logps = np.array([[-1.0, -1.0, -1.0, -1.0, -1.0, -1.0], [-1.0, -1.0, -1.0, -1.0, -1.0, -1.0]])
    old = logps.copy()
    mask = np.array([[True] * 6, [True, False, False, False, False, False]])
    rewards = np.array([1.0, 0.0])  # advantages +-0.70706
    loss, _, dt = run(impl, logps, old, old.copy(), rewards, mask, 2, beta=0.0)
    # on-policy, ratio 1: each sequence's mean is -A_i, the mean over sequences is 0 (a token-level mean gives -5/7 * A)
    assert_close(loss, 0.0, dtype=dt, atol=1e-9, what="the loss of a long and a short completion with opposite advantages")
    rng = np.random.default_rng(5)
    inputs = sample(rng, 2, 3, 7)
    loss, _, dt = run(impl, *inputs, 3, beta=0.1)
    assert_close(loss, loop_reference(*inputs, 3, 0.2, 0.1)[0], dtype=dt, what="the loss with ragged lengths")


def test_padding_is_ignored(impl, fw):
    """Values at masked positions (any finite numbers) do not change the loss."""
    rng = np.random.default_rng(6)
    logps, old, ref, rewards, mask = sample(rng, 2, 3, 6)
    base, _, dt = run(impl, logps, old, ref, rewards, mask, 3)
    junk = [a.copy() for a in (logps, old, ref)]
    for a in junk:
        a[~mask] = rng.uniform(-20.0, 5.0, int((~mask).sum()))
    moved, _, _ = run(impl, *junk, rewards, mask, 3)
    assert_close(moved, base, dtype=dt, what="the loss after changing the log-probs at padding positions")


def gradient(impl, logps, old, ref, rewards, mask, g, **kwargs):
    lp = torch.tensor(logps, dtype=torch.float64, requires_grad=True)
    loss, _ = unpack(impl.grpo_loss(lp, torch.tensor(old), torch.tensor(ref), torch.tensor(rewards),
                                    torch.tensor(mask), g, **kwargs))
    check(isinstance(loss, torch.Tensor) and loss.requires_grad,
          "the loss is not differentiable with respect to logps (detached, or built outside torch)")
    loss.reshape(()).backward()
    check(lp.grad is not None, "no gradient reached logps")
    return lp.grad.numpy()


def test_gradients_match_autograd_reference(impl, fw):
    """The gradient with respect to logps equals autograd through the definition (clipping and KL included)."""
    rng = np.random.default_rng(7)
    logps, old, ref, rewards, mask = sample(rng, 3, 3, 5, drift=0.4)
    for epsilon, beta in ((0.2, 0.04), (0.1, 1.0)):
        got = gradient(impl, logps, old, ref, rewards, mask, 3, epsilon=epsilon, beta=beta)
        lp = torch.tensor(logps, requires_grad=True)
        torch_reference(lp, old, ref, rewards, mask, 3, epsilon, beta).backward()
        assert_close(got, lp.grad.numpy(), what=f"the gradient with respect to logps (epsilon = {epsilon}, beta = {beta})")


def test_clipped_tokens_get_no_gradient(impl, fw):
    """beta = 0: a token gets no gradient when the clip binds (A > 0, ratio > 1 + eps; A < 0, ratio < 1 - eps), and -A r / (N |o_i|) otherwise."""
    ratios = np.array([[1.5, 0.5, 1.1], [0.5, 1.5, 1.0]])
    old = np.full((2, 3), -2.0)
    logps = old + np.log(ratios)
    mask = np.ones((2, 3), dtype=bool)
    rewards = np.array([1.0, 0.0])  # A = [+a, -a]
    got = gradient(impl, logps, old, old.copy(), rewards, mask, 2, epsilon=0.2, beta=0.0)
    a = 0.5 / (math.sqrt(0.5) + 1e-4)
    flows = np.array([[False, True, True], [False, True, True]])
    adv = np.array([[a], [-a]])
    expected = np.where(flows, -adv * ratios / (2 * 3), 0.0)
    assert_close(got, expected, what="the gradient with respect to logps (0 where the clip binds)")


def test_on_policy_gradient_is_the_policy_gradient(impl, fw):
    """logps == old_logps and beta = 0: each completion token's gradient is -A_i / (N * |o_i|), padding gets 0."""
    rng = np.random.default_rng(8)
    logps, _, ref, rewards, mask = sample(rng, 2, 4, 5)
    got = gradient(impl, logps, logps.copy(), ref, rewards, mask, 4, beta=0.0)
    r = rewards.reshape(2, 4)
    adv = ((r - r.mean(1, keepdims=True)) / (r.std(1, ddof=1, keepdims=True) + 1e-4)).reshape(-1, 1)
    lengths = mask.sum(1, keepdims=True)
    assert_close(got, np.where(mask, -adv / (len(rewards) * lengths), 0.0), what="the on-policy gradient with respect to logps")


def test_kl_penalty_k3(impl, fw):
    """With all-equal rewards only the KL term is left: beta * mean over sequences of the mean k3 = exp(ref - logp) - (ref - logp) - 1."""
    rng = np.random.default_rng(9)
    logps, old, ref, _, mask = sample(rng, 2, 3, 5, drift=0.6)
    rewards = np.ones(6)
    for beta in (0.04, 1.0):
        loss, _, dt = run(impl, logps, old, ref, rewards, mask, 3, beta=beta)
        d = ref - logps
        k3 = np.exp(d) - d - 1.0
        expected = beta * np.mean((k3 * mask).sum(1) / mask.sum(1))
        assert_close(loss, expected, dtype=dt, what=f"the loss with zero advantages (the KL term, beta = {beta})")
    got = gradient(impl, logps, old, ref, rewards, mask, 3, beta=0.5)
    expected = np.where(mask, 0.5 * (1.0 - np.exp(ref - logps)) / (6 * mask.sum(1, keepdims=True)), 0.0)
    assert_close(got, expected, what="the gradient of the KL term with respect to logps")


def test_defaults(impl, fw):
    """Called without epsilon and beta: epsilon = 0.2 and beta = 0.04."""
    rng = np.random.default_rng(10)
    inputs = sample(rng, 2, 4, 6, drift=0.5)
    loss, _, dt = run(impl, *inputs, 4)
    assert_close(loss, loop_reference(*inputs, 4, 0.2, 0.04)[0], dtype=dt, what="the loss with the defaults")


def test_errors(impl, fw):
    """group_size < 2, or a number of completions not divisible by group_size, raises ValueError."""
    rng = np.random.default_rng(11)
    inputs = sample(rng, 2, 3, 4)  # N = 6
    for g in (1, 4):
        try:
            call(impl, *inputs, g)
        except ValueError:
            continue
        fail(f"group_size = {g} with N = 6 completions did not raise ValueError")


def test_inputs_not_modified_and_advantages_detached(impl, fw):
    """The inputs are unchanged after the call, and the returned advantages carry no gradient."""
    rng = np.random.default_rng(12)
    logps, old, ref, rewards, mask = sample(rng, 2, 3, 4)
    args = [torch.tensor(a) for a in (logps, old, ref, rewards)] + [torch.tensor(mask)]
    args[0].requires_grad_(True)
    _, adv = unpack(impl.grpo_loss(*args, 3))
    check(isinstance(adv, torch.Tensor) and not adv.requires_grad, "advantages require grad: they must be constants (detached)")
    for name, given_, original in zip(("logps", "old_logps", "ref_logps", "rewards", "mask"), args, (logps, old, ref, rewards, mask)):
        assert_close(given_.detach().to(torch.float64).numpy(), np.asarray(original, dtype=np.float64), what=f"input {name} after the call")


@SETTINGS
@given(
    groups=st.integers(1, 3),
    g=st.integers(2, 5),
    t_len=st.integers(1, 6),
    epsilon=st.sampled_from([0.1, 0.2, 0.3]),
    beta=st.sampled_from([0.0, 0.04, 0.5]),
    ties=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_matches_loop_spec_on_random_inputs(impl, fw, groups, g, t_len, epsilon, beta, ties, seed):
    """On many random groups, sizes, lengths, clip ranges and KL weights (float64), agrees with a plain loop spec."""
    rng = np.random.default_rng(seed)
    logps, old, ref, rewards, mask = sample(rng, groups, g, t_len, drift=0.5)
    if ties:
        rewards = np.round(rewards)  # integer rewards: ties and all-equal groups happen
    loss, adv, dt = run(impl, logps, old, ref, rewards, mask, g, epsilon=epsilon, beta=beta)
    e_loss, e_adv = loop_reference(logps, old, ref, rewards, mask, g, epsilon, beta)
    assert_close(adv, e_adv, dtype=dt, what="advantages")
    assert_close(loss, e_loss, dtype=dt, what="the loss")
