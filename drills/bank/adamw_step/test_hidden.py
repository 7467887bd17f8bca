"""Hidden suite for `adamw_step`. The reference is torch.optim.AdamW itself, run here over many steps,
plus a float64 plain-Python spec. Inputs are built in NumPy and handed over in the user's framework."""

import math

import numpy as np
import pytest
import torch
from hypothesis import Phase, given, settings, strategies as st

from postprep.drills.harness import assert_close, check, fail

# Bound before the candidate is imported: the drill forbids these names to the candidate, and the
# grader replaces them with stubs after collection.
TORCH_ADAMW = torch.optim.AdamW
TORCH_ADAM = torch.optim.Adam
# The first optimizer built imports torch._dynamo (seconds on a busy machine): pay that while the
# suite is collected, not inside the first test's time.
TORCH_ADAMW([torch.zeros(1, requires_grad=True)])

# No shrinking: a wrong answer fails on its first bad example instead of spending the time limit shrinking it.
SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=25,
                    phases=(Phase.explicit, Phase.generate))
NAMES = ("param", "m", "v")
# float32 over many steps: the user's operation order differs from torch's (it folds the bias
# corrections into the step size), so rounding differences of ~1e-7 relative per step accumulate.
F32 = {"rtol": 2e-5, "atol": 2e-6}

HYPERS = [
    dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2),  # torch's defaults
    dict(lr=0.1, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1),  # large lr * wd: decay order matters
    dict(lr=0.05, betas=(0.5, 0.9), eps=1e-6, weight_decay=0.3),
    dict(lr=3e-2, betas=(0.0, 0.99), eps=1e-3, weight_decay=0.0),  # beta1 = 0, large eps
    dict(lr=1e-2, betas=(0.95, 0.0), eps=1e-8, weight_decay=0.05),  # beta2 = 0
]


def unpack(out):
    check(
        isinstance(out, (tuple, list)) and len(out) == 3,
        f"adamw_step returned {type(out).__name__}; expected a tuple (new_param, new_m, new_v)",
    )
    return tuple(out)


def call(impl, fw, param, grad, m, v, step, hyper, dtype="float64"):
    """One user step on NumPy inputs; returns the outputs as float64 NumPy and their dtype."""
    args = [fw.array(a, dtype) for a in (param, grad, m, v)]
    out = unpack(impl.adamw_step(*args, step, **hyper))
    got = tuple(fw.to_numpy(o, what=f"the returned {n}") for o, n in zip(out, NAMES))
    for g, n in zip(got, NAMES):
        check(g.shape == np.shape(param), f"the returned {n} has shape {g.shape}; expected {np.shape(param)}, the shape of param")
    return got, fw.dtype_name(out[0])


def spec_step(p, g, m, v, t, lr, betas, eps, weight_decay):
    """The torch.optim.AdamW algorithm (documentation), one element at a time, in float64 Python."""
    b1, b2 = betas
    new_p, new_m, new_v = [], [], []
    for pi, gi, mi, vi in zip(np.ravel(p), np.ravel(g), np.ravel(m), np.ravel(v)):
        pi = float(pi) - lr * weight_decay * float(pi)
        mi = b1 * float(mi) + (1 - b1) * float(gi)
        vi = b2 * float(vi) + (1 - b2) * float(gi) ** 2
        m_hat = mi / (1 - b1**t)
        v_hat = vi / (1 - b2**t)
        new_p.append(pi - lr * m_hat / (math.sqrt(v_hat) + eps))
        new_m.append(mi)
        new_v.append(vi)
    shape = np.shape(p)
    return tuple(np.array(a).reshape(shape) for a in (new_p, new_m, new_v))


def quadratic(rng, shape):
    """A loss 0.5 * sum(a * (p - c)^2) plus per-step gradient noise: the gradient depends on p."""
    a = rng.uniform(0.2, 3.0, shape)
    c = rng.normal(0.0, 1.0, shape)
    return lambda p, noise: a * (p - c) + noise


def torch_trajectory(cls, p0, grad_fn, noises, hyper, dtype):
    """torch's optimizer over the given steps: final param, exp_avg, exp_avg_sq as float64 NumPy."""
    p = torch.tensor(np.asarray(p0, dtype=dtype), requires_grad=True)
    opt = cls([p], **hyper)
    for noise in noises:
        g = grad_fn(p.detach().double().numpy(), noise)
        p.grad = torch.tensor(np.asarray(g, dtype=dtype))
        opt.step()
    state = opt.state[p]
    return tuple(t.detach().double().numpy() for t in (p, state["exp_avg"], state["exp_avg_sq"]))


def user_trajectory(impl, fw, p0, grad_fn, noises, hyper, dtype):
    """The user's function over the same steps, feeding back the state it returns."""
    param = fw.array(p0, dtype)
    m = fw.array(np.zeros_like(p0), dtype)
    v = fw.array(np.zeros_like(p0), dtype)
    for t, noise in enumerate(noises, start=1):
        g = grad_fn(fw.to_numpy(param, what="the returned param"), noise)
        param, m, v = unpack(impl.adamw_step(param, fw.array(g, dtype), m, v, t, **hyper))
    got = tuple(fw.to_numpy(o, what=f"the returned {n}") for o, n in zip((param, m, v), NAMES))
    return got, fw.dtype_name(param)


def compare(got, expected, dt, context, **tol):
    for g, e, n in zip(got, expected, NAMES):
        assert_close(g, e, dtype=dt, what=f"{n} {context}", **tol)


def test_worked_example(impl, fw):
    """The prompt's worked example: two steps with lr = 0.1, weight_decay = 0.1."""
    hyper = dict(lr=0.1, weight_decay=0.1)
    p, g = np.array([1.0, -2.0, 0.5]), np.array([0.1, -0.3, 0.0])
    got, dt = call(impl, fw, p, g, np.zeros(3), np.zeros(3), 1, hyper)
    compare(got, ([0.89000001, -1.8800000033, 0.495], [0.01, -0.03, 0.0], [1e-5, 9e-5, 0.0]), dt, "after step 1", rtol=1e-7, atol=1e-8)
    got2, dt = call(impl, fw, got[0], np.array([0.2, 0.1, -0.4]), got[1], got[2], 2, hyper)
    expected = spec_step(got[0], [0.2, 0.1, -0.4], got[1], got[2], 2, 0.1, (0.9, 0.999), 1e-8, 0.1)
    compare(got2, expected, dt, "after step 2")


def test_one_step_matches_torch(impl, fw):
    """float64, step 1 from zero moments: param, m and v equal torch.optim.AdamW after one step."""
    rng = np.random.default_rng(0)
    for shape in ((7,), (3, 4), (2, 3, 2)):
        p0 = rng.normal(0.0, 1.0, shape)
        grad_fn = quadratic(rng, shape)
        noises = [rng.normal(0.0, 0.1, shape)]
        for hyper in HYPERS[:3]:
            got, dt = user_trajectory(impl, fw, p0, grad_fn, noises, hyper, "float64")
            compare(got, torch_trajectory(TORCH_ADAMW, p0, grad_fn, noises, hyper, "float64"), dt,
                    f"after one step, shape {shape}, {hyper}")


@pytest.mark.parametrize("case", range(len(HYPERS)))
def test_fifty_steps_match_torch_adamw(impl, fw, case):
    """float64: 50 steps on a noisy quadratic match torch.optim.AdamW run with the same hyperparameters."""
    hyper = HYPERS[case]
    rng = np.random.default_rng(10 + case)
    shape = (4, 5)
    p0 = rng.normal(0.0, 2.0, shape)
    grad_fn = quadratic(rng, shape)
    noises = [rng.normal(0.0, 0.3, shape) for _ in range(50)]
    got, dt = user_trajectory(impl, fw, p0, grad_fn, noises, hyper, "float64")
    expected = torch_trajectory(TORCH_ADAMW, p0, grad_fn, noises, hyper, "float64")
    compare(got, expected, dt, f"after 50 steps with {hyper}", rtol=1e-6, atol=1e-9)


def test_float32_matches_torch_adamw(impl, fw):
    """float32 inputs: outputs stay float32 and 50 steps match torch.optim.AdamW in float32."""
    rng = np.random.default_rng(20)
    shape = (6, 3)
    p0 = rng.normal(0.0, 1.0, shape).astype(np.float32)
    grad_fn = quadratic(rng, shape)
    noises = [rng.normal(0.0, 0.3, shape) for _ in range(50)]
    for hyper in (HYPERS[0], HYPERS[2]):
        got, dt = user_trajectory(impl, fw, p0, grad_fn, noises, hyper, "float32")
        check(dt == "float32", f"float32 inputs gave a {dt} param; keep the input's dtype")
        expected = torch_trajectory(TORCH_ADAMW, p0, grad_fn, noises, hyper, "float32")
        compare(got, expected, "float32", f"after 50 float32 steps with {hyper}", **F32)


def test_float64_inputs_keep_float64_precision(impl, fw):
    """float64 inputs are computed in float64: param, m and v match the update rule to ~1e-10, not float32's ~1e-7."""
    rng = np.random.default_rng(12)
    shape = (6, 9)
    p, g = rng.normal(0.0, 2.0, shape), rng.normal(0.0, 1.0, shape)
    m, v = rng.normal(0.0, 0.5, shape), rng.uniform(0.1, 1.0, shape)
    hyper = dict(lr=0.1, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1)
    got, dt = call(impl, fw, p, g, m, v, 5, hyper)
    check(dt == "float64", f"float64 inputs came back as {dt}; keep the inputs' dtype")
    compare(got, spec_step(p, g, m, v, 5, **hyper), dt,
            "after one float64 step (a float32 computation or result is off by about 1e-7)", rtol=1e-10, atol=1e-13)


def test_no_weight_decay_equals_adam(impl, fw):
    """weight_decay = 0 is plain Adam: 50 steps match torch.optim.Adam."""
    rng = np.random.default_rng(30)
    shape = (9,)
    p0 = rng.normal(0.0, 1.0, shape)
    grad_fn = quadratic(rng, shape)
    noises = [rng.normal(0.0, 0.5, shape) for _ in range(50)]
    hyper = dict(lr=0.02, betas=(0.8, 0.99), eps=1e-8, weight_decay=0.0)
    got, dt = user_trajectory(impl, fw, p0, grad_fn, noises, hyper, "float64")
    compare(got, torch_trajectory(TORCH_ADAM, p0, grad_fn, noises, hyper, "float64"), dt,
            "after 50 steps with weight_decay = 0 (vs torch.optim.Adam)", rtol=1e-6, atol=1e-9)


def test_first_step_is_bias_corrected(impl, fw):
    """Step 1 with zero moments: m_hat = g and v_hat = g^2, so each entry moves by about lr * sign(g)."""
    g = np.array([1e-3, -5.0, 200.0, -0.02])
    p = np.zeros(4)
    for lr in (1e-3, 0.5):
        got, dt = call(impl, fw, p, g, np.zeros(4), np.zeros(4), 1, dict(lr=lr, eps=1e-12))
        assert_close(got[0], -lr * np.sign(g), dtype=dt, rtol=1e-6, what=f"param after step 1 with lr = {lr} (param 0, no decay effect)")


def test_step_counts_from_one(impl, fw):
    """The bias correction uses the step number given (1 on the first update): steps 1, 2, 3, 10, 1000."""
    rng = np.random.default_rng(40)
    p, g = rng.normal(0.0, 1.0, 6), rng.normal(0.0, 1.0, 6)
    m, v = rng.normal(0.0, 0.1, 6), rng.uniform(0.0, 0.02, 6)
    hyper = dict(lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)
    for t in (1, 2, 3, 10, 1000):
        got, dt = call(impl, fw, p, g, m, v, t, hyper)
        compare(got, spec_step(p, g, m, v, t, **hyper), dt, f"at step {t}")


def test_decay_is_decoupled(impl, fw):
    """With zero gradients the moments stay 0 and each step multiplies param by (1 - lr * weight_decay)."""
    p0 = np.array([3.0, -1.5, 0.25, 100.0])
    hyper = dict(lr=0.1, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.2)
    param, m, v = (fw.array(a) for a in (p0, np.zeros(4), np.zeros(4)))
    for t in range(1, 11):
        param, m, v = unpack(impl.adamw_step(param, fw.array(np.zeros(4)), m, v, t, **hyper))
    got = fw.to_numpy(param, what="the returned param")
    assert_close(got, p0 * (1 - 0.1 * 0.2) ** 10, dtype=fw.dtype_name(param),
                 what="param after 10 zero-gradient steps (expected p0 * (1 - lr * wd)^10)")
    assert_close(fw.to_numpy(m, what="the returned m"), np.zeros(4), what="m after zero gradients")
    assert_close(fw.to_numpy(v, what="the returned v"), np.zeros(4), what="v after zero gradients")


def test_decay_uses_lr_times_weight_decay(impl, fw):
    """The decay shrinks param by lr * weight_decay * param (torch's convention), for several lr."""
    p = np.array([2.0, -4.0])
    g = np.array([0.5, 0.5])
    for lr, wd in ((0.5, 0.1), (1e-3, 0.5), (0.2, 1.0)):
        hyper = dict(lr=lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=wd)
        got, dt = call(impl, fw, p, g, np.zeros(2), np.zeros(2), 1, hyper)
        compare(got, spec_step(p, g, np.zeros(2), np.zeros(2), 1, **hyper), dt, f"with lr = {lr}, weight_decay = {wd}")


def test_lr_zero_keeps_param(impl, fw):
    """lr = 0: param is unchanged (decay included) while m and v still update."""
    rng = np.random.default_rng(50)
    p, g = rng.normal(0.0, 1.0, 5), rng.normal(0.0, 1.0, 5)
    m, v = rng.normal(0.0, 0.1, 5), rng.uniform(0.0, 0.1, 5)
    hyper = dict(lr=0.0, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.5)
    got, dt = call(impl, fw, p, g, m, v, 3, hyper)
    compare(got, (p, 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g), dt, "with lr = 0")


def test_tiny_gradients_eps_outside_sqrt(impl, fw):
    """Gradients near eps: eps is added to sqrt(v_hat) after bias correction, as torch does."""
    rng = np.random.default_rng(60)
    shape = (8,)
    p0 = rng.normal(0.0, 1.0, shape)
    scale = np.array([1e-10, 1e-9, 5e-9, 1e-8, 3e-8, 1e-7, 1e-6, 1.0])
    noises = [rng.normal(0.0, 1.0, shape) for _ in range(20)]
    for hyper in (dict(lr=0.1, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0),
                  dict(lr=0.1, betas=(0.9, 0.99), eps=1e-4, weight_decay=0.01)):
        s = scale if hyper["eps"] < 1e-6 else scale * 1e4  # gradients around eps
        grad_fn = lambda p, noise, s=s: noise * s  # noqa: E731
        got, dt = user_trajectory(impl, fw, p0, grad_fn, noises, hyper, "float64")
        compare(got, torch_trajectory(TORCH_ADAMW, p0, grad_fn, noises, hyper, "float64"), dt,
                f"after 20 steps of tiny gradients with eps = {hyper['eps']}", rtol=1e-6, atol=1e-12)


def test_invalid_arguments_raise(impl, fw):
    """ValueError for lr < 0, eps < 0, a beta outside [0, 1), weight_decay < 0 or step < 1."""
    p = np.ones(3)
    bad = [
        ("lr = -1e-3", dict(lr=-1e-3), 1),
        ("eps = -1e-8", dict(eps=-1e-8), 1),
        ("betas = (1.0, 0.999)", dict(betas=(1.0, 0.999)), 1),
        ("betas = (0.9, 1.0)", dict(betas=(0.9, 1.0)), 1),
        ("betas = (-0.1, 0.999)", dict(betas=(-0.1, 0.999)), 1),
        ("weight_decay = -0.01", dict(weight_decay=-0.01), 1),
        ("step = 0", dict(), 0),
        ("step = -3", dict(), -3),
    ]
    for label, kwargs, step in bad:
        args = [fw.array(a) for a in (p, p, np.zeros(3), np.zeros(3))]
        try:
            impl.adamw_step(*args, step, **kwargs)
        except ValueError:
            continue
        except Exception as exc:  # noqa: BLE001
            fail(f"{label} raised {type(exc).__name__}; expected ValueError")
        fail(f"{label} did not raise ValueError")


def test_inputs_not_modified(impl, fw):
    """param, grad, m and v are unchanged after the call (the new state is returned)."""
    rng = np.random.default_rng(70)
    arrays = [rng.normal(0.0, 1.0, (3, 4)) for _ in range(3)] + [rng.uniform(0.0, 1.0, (3, 4))]
    for dtype in ("float64", "float32"):
        args = [fw.array(a, dtype) for a in arrays]
        unpack(impl.adamw_step(*args, 4, lr=0.1, weight_decay=0.1))
        for name, given_, original in zip(("param", "grad", "m", "v"), args, arrays):
            assert_close(fw.to_numpy(given_, what=name), np.asarray(original, dtype=dtype), dtype=dtype,
                         what=f"input {name} ({dtype}) after the call")


def test_defaults_are_torchs(impl, fw):
    """Called with only (param, grad, m, v, step): lr = 1e-3, betas = (0.9, 0.999), eps = 1e-8, weight_decay = 1e-2."""
    rng = np.random.default_rng(80)
    p, g = rng.normal(0.0, 1.0, 5), rng.normal(0.0, 1.0, 5)
    m, v = rng.normal(0.0, 0.1, 5), rng.uniform(0.0, 0.01, 5)
    out = unpack(impl.adamw_step(*(fw.array(a) for a in (p, g, m, v)), 5))
    got = tuple(fw.to_numpy(o, what=f"the returned {n}") for o, n in zip(out, NAMES))
    compare(got, spec_step(p, g, m, v, 5, 1e-3, (0.9, 0.999), 1e-8, 1e-2), fw.dtype_name(out[0]), "with the default hyperparameters")


@SETTINGS
@given(
    lr=st.sampled_from([0.0, 1e-4, 1e-2, 0.3]),
    beta1=st.sampled_from([0.0, 0.5, 0.9, 0.99]),
    beta2=st.sampled_from([0.0, 0.9, 0.999, 0.9999]),
    eps=st.sampled_from([0.0, 1e-8, 1e-3]),
    weight_decay=st.sampled_from([0.0, 0.01, 0.5]),
    t=st.integers(1, 200),
    n=st.integers(1, 6),
    seed=st.integers(0, 2**16),
)
def test_matches_plain_spec_on_random_inputs(impl, fw, lr, beta1, beta2, eps, weight_decay, t, n, seed):
    """Random hyperparameters (betas 0 included), steps and states: agrees with the algorithm, entry by entry."""
    rng = np.random.default_rng(seed)
    p, g = rng.normal(0.0, 2.0, n), rng.normal(0.0, 1.0, n)
    m, v = rng.normal(0.0, 0.5, n), rng.uniform(0.05, 1.0, n)
    hyper = dict(lr=lr, betas=(beta1, beta2), eps=eps, weight_decay=weight_decay)
    got, dt = call(impl, fw, p, g, m, v, t, hyper)
    compare(got, spec_step(p, g, m, v, t, **hyper), dt, f"at step {t} with {hyper}")
