"""Hidden suite for `gae` (NumPy and torch). Inputs are built in NumPy, references computed in float64."""

import numpy as np
from hypothesis import given, settings, strategies as st

from postprep.drills.harness import assert_close, check, fail

SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=40)
F32 = {"rtol": 1e-5, "atol": 1e-5}


def loop_reference(rewards, values, dones, last_value, gamma, lam):
    """(advantages, returns) by the definition: one environment and one step at a time, float64."""
    r = np.asarray(rewards, dtype=np.float64)
    squeeze = r.ndim == 1
    r = r.reshape(r.shape[0], -1)
    v = np.asarray(values, dtype=np.float64).reshape(r.shape)
    d = np.asarray(dones, dtype=bool).reshape(r.shape)
    last = np.asarray(last_value, dtype=np.float64).reshape(-1)
    t_len, envs = r.shape
    adv = np.zeros_like(r)
    for e in range(envs):
        running = 0.0
        for t in range(t_len - 1, -1, -1):
            next_v = last[e] if t == t_len - 1 else v[t + 1, e]
            if d[t, e]:
                delta = r[t, e] - v[t, e]
                running = delta
            else:
                delta = r[t, e] + gamma * next_v - v[t, e]
                running = delta + gamma * lam * running
            adv[t, e] = running
    ret = adv + v
    if squeeze:
        return adv[:, 0], ret[:, 0]
    return adv, ret


def lower_precision(a, b):
    order = ["float16", "bfloat16", "float32", "float64"]
    return min(a, b, key=lambda x: order.index(x) if x in order else 3)


def unpack(out):
    check(isinstance(out, (tuple, list)) and len(out) == 2, f"gae returned {type(out).__name__}; expected a tuple (advantages, returns)")
    return tuple(out)


def call(impl, fw, rewards, values, dones, last_value, gamma=None, lam=None, dtype="float64"):
    args = [fw.array(rewards, dtype), fw.array(values, dtype), fw.array(dones, "bool"), fw.array(last_value, dtype)]
    kwargs = {}
    if gamma is not None:
        kwargs["gamma"] = gamma
    if lam is not None:
        kwargs["lam"] = lam
    return unpack(impl.gae(*args, **kwargs))


def run(impl, fw, rewards, values, dones, last_value, gamma=None, lam=None, dtype="float64"):
    adv, ret = call(impl, fw, rewards, values, dones, last_value, gamma, lam, dtype)
    got = (fw.to_numpy(adv, what="advantages"), fw.to_numpy(ret, what="returns"))
    shape = np.shape(rewards)
    for g, name in zip(got, ("advantages", "returns")):
        check(g.shape == shape, f"{name} has shape {tuple(g.shape)}; expected {shape}, the shape of rewards")
    return got, lower_precision(dtype, fw.dtype_name(adv))


def compare(got, expected, dt, label="", **tol):
    assert_close(got[0], expected[0], dtype=dt, what=f"advantages{label}", **tol)
    assert_close(got[1], expected[1], dtype=dt, what=f"returns{label}", **tol)


def sample(rng, t_len, envs=None, p_done=0.25):
    shape = (t_len,) if envs is None else (t_len, envs)
    rewards = rng.normal(0.0, 1.0, shape)
    values = rng.normal(0.0, 2.0, shape)
    dones = rng.random(shape) < p_done
    last_value = rng.normal(0.0, 2.0, () if envs is None else (envs,))
    return rewards, values, dones, last_value


def test_worked_example(impl, fw):
    """The prompt's example: advantages [0.68, -1.0, 3.516, 2.8], returns [1.18, 0.0, 4.016, 2.8]."""
    r, v = np.array([1.0, 0.0, 2.0, 1.0]), np.array([0.5, 1.0, 0.5, 0.0])
    d = np.array([False, True, False, False])
    got, dt = run(impl, fw, r, v, d, np.array(2.0), gamma=0.9, lam=0.8)
    compare(got, ([0.68, -1.0, 3.516, 2.8], [1.18, 0.0, 4.016, 2.8]), dt)


def test_matches_loop_single_env(impl, fw):
    """(T,) inputs with episode ends inside the rollout match the recursion, for several gamma and lambda."""
    rng = np.random.default_rng(0)
    inputs = sample(rng, 12)
    for gamma, lam in ((0.99, 0.95), (0.9, 0.5), (1.0, 1.0)):
        got, dt = run(impl, fw, *inputs, gamma=gamma, lam=lam)
        compare(got, loop_reference(*inputs, gamma, lam), dt, f" (gamma = {gamma}, lam = {lam})")


def test_batched_environments(impl, fw):
    """(T, E) inputs: time is axis 0, each of the E columns is an independent environment with its own last_value."""
    rng = np.random.default_rng(1)
    r, v, d, last = sample(rng, 9, envs=4)
    got, dt = run(impl, fw, r, v, d, last, gamma=0.97, lam=0.9)
    compare(got, loop_reference(r, v, d, last, 0.97, 0.9), dt)
    for e in range(4):
        col, _ = run(impl, fw, r[:, e], v[:, e], d[:, e], np.array(last[e]), gamma=0.97, lam=0.9)
        assert_close(got[0][:, e], col[0], dtype=dt, what=f"the advantages of environment {e} (vs that column alone)")


def test_lambda_zero_is_td0(impl, fw):
    """lam = 0: each advantage is the one-step TD error r_t + gamma V_{t+1} (1 - done_t) - V_t."""
    rng = np.random.default_rng(2)
    r, v, d, last = sample(rng, 10)
    next_v = np.append(v[1:], last)
    delta = r + 0.9 * next_v * (1.0 - d) - v
    got, dt = run(impl, fw, r, v, d, last, gamma=0.9, lam=0.0)
    assert_close(got[0], delta, dtype=dt, what="advantages with lam = 0 (the TD errors)")


def test_lambda_one_is_monte_carlo(impl, fw):
    """lam = 1: advantages are the discounted returns to the episode end (bootstrapped with last_value if the rollout ends mid-episode) minus V."""
    rng = np.random.default_rng(3)
    r, v, d, last = sample(rng, 10)
    d[:] = False
    d[3] = True
    gamma = 0.95
    mc = np.zeros(10)
    running = float(last)
    for t in range(9, -1, -1):
        running = r[t] + (0.0 if d[t] else gamma * running)
        mc[t] = running
    got, dt = run(impl, fw, r, v, d, last, gamma=gamma, lam=1.0)
    assert_close(got[0], mc - v, dtype=dt, what="advantages with lam = 1 (Monte Carlo returns minus V)")
    assert_close(got[1], mc, dtype=dt, what="returns with lam = 1 (Monte Carlo returns)")


def test_done_cuts_the_recursion(impl, fw):
    """Steps up to an episode end do not depend on any reward, value or bootstrap after it."""
    rng = np.random.default_rng(4)
    r, v, d, last = sample(rng, 8)
    d[:] = False
    d[4] = True
    base, dt = run(impl, fw, r, v, d, last, gamma=0.99, lam=0.95)
    r2, v2 = r.copy(), v.copy()
    r2[5:] += 10.0
    v2[5:] -= 7.0
    moved, _ = run(impl, fw, r2, v2, d, last + 50.0, gamma=0.99, lam=0.95)
    assert_close(moved[0][:5], base[0][:5], dtype=dt, what="the advantages up to the episode end after changing what follows it")
    check(bool(np.all(np.abs(moved[0][5:] - base[0][5:]) > 1e-6)), "the advantages after the episode end did not change with their own rewards")


def test_last_value_bootstraps_the_final_step(impl, fw):
    """The final step bootstraps with last_value unless it is itself an episode end, in which case last_value is ignored."""
    r, v = np.array([0.0, 1.0]), np.array([0.0, 0.5])
    d = np.array([False, False])
    got, dt = run(impl, fw, r, v, d, np.array(3.0), gamma=0.5, lam=1.0)
    assert_close(got[0][1], 1.0 + 0.5 * 3.0 - 0.5, dtype=dt, what="the last advantage (bootstrapped with last_value)")
    d = np.array([False, True])
    a1, _ = run(impl, fw, r, v, d, np.array(3.0), gamma=0.5, lam=1.0)
    a2, _ = run(impl, fw, r, v, d, np.array(-100.0), gamma=0.5, lam=1.0)
    assert_close(a1[0], a2[0], dtype=dt, what="the advantages when the last step ends its episode (last_value must not matter)")
    assert_close(a1[0][1], 0.5, dtype=dt, what="the last advantage when the last step ends its episode (r - V)")


def test_returns_are_advantages_plus_values(impl, fw):
    """returns = advantages + values, elementwise (the value targets)."""
    rng = np.random.default_rng(5)
    r, v, d, last = sample(rng, 7, envs=3)
    got, dt = run(impl, fw, r, v, d, last)
    assert_close(got[1], got[0] + v, dtype=dt, what="returns (vs advantages + values)")


def test_defaults(impl, fw):
    """Called without gamma and lam: gamma = 0.99 and lam = 0.95."""
    rng = np.random.default_rng(6)
    inputs = sample(rng, 9)
    got, dt = run(impl, fw, *inputs)
    compare(got, loop_reference(*inputs, 0.99, 0.95), dt, " with the defaults")


def test_single_step_and_all_done(impl, fw):
    """T = 1, and a rollout where every step ends an episode (advantages r - V)."""
    got, dt = run(impl, fw, np.array([2.0]), np.array([0.5]), np.array([False]), np.array(1.0), gamma=0.9, lam=0.9)
    compare(got, ([2.0 + 0.9 - 0.5], [2.0 + 0.9]), dt, " for T = 1")
    rng = np.random.default_rng(7)
    r, v, _, last = sample(rng, 5, envs=2)
    d = np.ones((5, 2), dtype=bool)
    got, dt = run(impl, fw, r, v, d, last, gamma=0.9, lam=0.9)
    compare(got, (r - v, r), dt, " when every step ends an episode")


def test_float32_inputs(impl, fw):
    """float32 inputs are accepted; a long rollout (T = 500) stays accurate to float32 precision."""
    rng = np.random.default_rng(8)
    r, v, d, last = sample(rng, 500, envs=2, p_done=0.01)
    r, v, last = (np.asarray(a, dtype=np.float32).astype(np.float64) for a in (r, v, last))
    got, dt = run(impl, fw, r, v, d, last, gamma=0.999, lam=0.98, dtype="float32")
    expected = loop_reference(r, v, d, last, 0.999, 0.98)
    scale = float(np.abs(expected[0]).max())
    compare(got, expected, dt, " (float32, T = 500)", rtol=1e-4, atol=1e-5 * scale)


def test_outputs_keep_the_inputs_precision(impl, fw):
    """float64 inputs give float64 advantages and returns; float32 inputs give float32 or float64, never less."""
    rng = np.random.default_rng(11)
    r, v, d, last = sample(rng, 6, envs=2)
    for dtype, allowed in (("float64", ("float64",)), ("float32", ("float32", "float64"))):
        adv, ret = call(impl, fw, r, v, d, last, 0.9, 0.9, dtype)
        for out, name in ((adv, "advantages"), (ret, "returns")):
            fw.to_numpy(out, what=name)  # of the inputs' kind
            got = fw.dtype_name(out)
            check(got in allowed, f"{name} are {got} for {dtype} inputs; expected {' or '.join(allowed)} (the inputs' precision or higher)")


def test_errors(impl, fw):
    """gamma or lam outside [0, 1], or values / dones not shaped like rewards, raise ValueError."""
    rng = np.random.default_rng(9)
    r, v, d, last = sample(rng, 4)
    for gamma, lam in ((1.5, 0.9), (-0.1, 0.9), (0.9, 1.2), (0.9, -0.5)):
        try:
            call(impl, fw, r, v, d, last, gamma, lam)
        except ValueError:
            continue
        fail(f"gamma = {gamma}, lam = {lam} did not raise ValueError")
    for bad_v, bad_d, what in ((v[:3], d, "values of length 3 for 4 rewards"), (v, d[:3], "dones of length 3 for 4 rewards")):
        try:
            call(impl, fw, r, bad_v, bad_d, last, 0.9, 0.9)
        except ValueError:
            continue
        fail(f"{what} did not raise ValueError")


def test_inputs_not_modified(impl, fw):
    """rewards, values, dones and last_value are unchanged after the call."""
    rng = np.random.default_rng(10)
    r, v, d, last = sample(rng, 6, envs=2)
    args = [fw.array(r), fw.array(v), fw.array(d, "bool"), fw.array(last)]
    impl.gae(*args, gamma=0.9, lam=0.9)
    for name, given_, original in zip(("rewards", "values", "dones", "last_value"), args, (r, v, d, last)):
        assert_close(fw.to_numpy(given_, what=name), np.asarray(original, dtype=np.float64), what=f"input {name} after the call")


@SETTINGS
@given(
    t_len=st.integers(1, 8),
    envs=st.sampled_from([None, 1, 3]),
    gamma=st.sampled_from([0.0, 0.5, 0.9, 0.99, 1.0]),
    lam=st.sampled_from([0.0, 0.5, 0.95, 1.0]),
    p_done=st.sampled_from([0.0, 0.3, 0.8]),
    seed=st.integers(0, 2**16),
)
def test_matches_loop_spec_on_random_rollouts(impl, fw, t_len, envs, gamma, lam, p_done, seed):
    """On many random rollouts, shapes, episode ends, gamma and lambda (float64), agrees with a plain loop."""
    rng = np.random.default_rng(seed)
    inputs = sample(rng, t_len, envs, p_done)
    got, dt = run(impl, fw, *inputs, gamma=gamma, lam=lam)
    compare(got, loop_reference(*inputs, gamma, lam), dt)
