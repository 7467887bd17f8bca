"""Hidden suite for `cross_entropy_grad` (NumPy). References: PyTorch's cross_entropy with autograd,
central finite differences, and a plain float64 loop."""

import math

import numpy as np
import torch
from hypothesis import Phase, given, settings, strategies as st

from postprep.drills.harness import assert_close, assert_finite, check, fail

# No shrinking: a wrong answer fails on its first counterexample instead of spending the time limit.
SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=30, phases=(Phase.explicit, Phase.generate))
# Bound before the candidate is imported (the grader then stubs the forbidden APIs).
_cross_entropy = torch.nn.functional.cross_entropy
_backward = torch.Tensor.backward
F32 = {"rtol": 1e-4, "atol": 1e-6}


def torch_reference(logits, targets, ignore_index=-100):
    """(loss, grad) in float64 from PyTorch's cross_entropy (reduction='mean') and autograd."""
    c = logits.shape[-1]
    z = torch.tensor(np.asarray(logits, dtype=np.float64).reshape(-1, c), requires_grad=True)
    y = torch.tensor(np.asarray(targets, dtype=np.int64).reshape(-1))
    loss = _cross_entropy(z, y, ignore_index=ignore_index)
    _backward(loss)
    return loss.item(), z.grad.numpy().reshape(np.shape(logits))


def loop_reference(logits, targets, ignore_index=-100):
    """The definition, one position at a time, with Python floats."""
    c = logits.shape[-1]
    z = np.asarray(logits, dtype=np.float64).reshape(-1, c)
    y = np.asarray(targets).reshape(-1)
    kept = [i for i in range(len(y)) if y[i] != ignore_index]
    m = len(kept)
    total = 0.0
    grad = np.zeros_like(z)
    for i in kept:
        top = max(z[i])
        lse = top + math.log(sum(math.exp(v - top) for v in z[i]))
        total += lse - z[i, y[i]]
        for k in range(c):
            grad[i, k] = (math.exp(z[i, k] - lse) - (1.0 if k == y[i] else 0.0)) / m
    return total / m, grad.reshape(np.shape(logits))


def run(impl, fw, logits, targets, dtype="float64", **kwargs):
    """The user's (loss, grad) as float64 NumPy, and the precision of their gradient."""
    out = impl.cross_entropy_grad(fw.array(logits, dtype), np.array(targets, copy=True), **kwargs)
    check(isinstance(out, (tuple, list)) and len(out) == 2,
          f"cross_entropy_grad returned {type(out).__name__}; expected a tuple (loss, grad)")
    loss = fw.to_numpy(out[0], what="the loss")
    check(loss.shape == (), f"the loss has shape {tuple(loss.shape)}; expected a scalar (the mean over positions)")
    grad = fw.to_numpy(out[1], what="the gradient")
    check(grad.shape == np.shape(logits), f"the gradient has shape {tuple(grad.shape)}; expected the logits' shape {np.shape(logits)}")
    dt = fw.dtype_name(out[1])
    return float(loss), grad, ("float32" if dtype == "float32" else dt)


def compare(got_loss, got_grad, ref, dt, what="", **tol):
    assert_close(np.array(got_loss), ref[0], dtype=dt, what=f"the loss{what}", **tol)
    assert_close(got_grad, ref[1], dtype=dt, what=f"the gradient{what}", **tol)


def sample(rng, shape, c, scale=2.0):
    return rng.standard_normal((*shape, c)) * scale, rng.integers(0, c, size=shape)


def test_worked_example(impl, fw):
    """The prompt's example: loss 2.035104 and (p - onehot) / 2; then with the second position ignored."""
    logits = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]])
    loss, grad, dt = run(impl, fw, logits, np.array([0, 2]))
    compare(loss, grad, (2.035104111700061, [[-0.17049943055701605, 0.12121648535235695, 0.0492829452046591],
                                             [0.058057267337070576, 0.4289884053042286, -0.4870456726412992]]), dt)
    loss, grad, dt = run(impl, fw, logits, np.array([0, -100]))
    compare(loss, grad, (0.41703001627783354, [[-0.3409988611140321, 0.2424329707047139, 0.0985658904093182],
                                               [0.0, 0.0, 0.0]]), dt, what=" with position 1 ignored")


def test_matches_torch_autograd(impl, fw):
    """(N, C) float64: the loss equals PyTorch's cross_entropy and the gradient equals autograd's."""
    rng = np.random.default_rng(0)
    logits, targets = sample(rng, (8,), 5)
    loss, grad, dt = run(impl, fw, logits, targets)
    compare(loss, grad, torch_reference(logits, targets), dt)


def test_language_model_shape(impl, fw):
    """(B, T, V) logits with (B, T) int32 targets: the mean is over all B * T positions."""
    rng = np.random.default_rng(1)
    logits, targets = sample(rng, (2, 5), 11)
    loss, grad, dt = run(impl, fw, logits, targets.astype(np.int32))
    compare(loss, grad, torch_reference(logits, targets), dt, what=" for (B, T, V) logits")


def test_gradient_matches_finite_differences(impl, fw):
    """Your gradient is the derivative of your loss: central finite differences agree entry by entry."""
    rng = np.random.default_rng(2)
    logits, targets = sample(rng, (3,), 4, scale=1.5)
    targets[1] = -100
    _, grad, _ = run(impl, fw, logits, targets)
    h = 1e-5
    numeric = np.zeros_like(logits)
    for idx in np.ndindex(*logits.shape):
        up, down = logits.copy(), logits.copy()
        up[idx] += h
        down[idx] -= h
        numeric[idx] = (run(impl, fw, up, targets)[0] - run(impl, fw, down, targets)[0]) / (2 * h)
    assert_close(grad, numeric, rtol=1e-5, atol=1e-8, what="the gradient (vs finite differences of your loss)")


def test_gradient_rows(impl, fw):
    """Each non-ignored gradient row sums to 0 and is negative only at the target (softmax - onehot, scaled)."""
    rng = np.random.default_rng(3)
    logits, targets = sample(rng, (6,), 7)
    _, grad, dt = run(impl, fw, logits, targets)
    assert_close(grad.sum(axis=-1), np.zeros(6), dtype=dt, what="the sum of each gradient row")
    onehot = np.eye(7, dtype=bool)[targets]
    check(bool((grad[onehot] < 0).all() and (grad[~onehot] > 0).all()),
          "the gradient should be negative at each target class and positive elsewhere (softmax - onehot)")


def test_mean_not_sum(impl, fw):
    """Repeating the batch twice leaves the loss unchanged and halves every gradient entry."""
    rng = np.random.default_rng(4)
    logits, targets = sample(rng, (4,), 6)
    loss1, grad1, dt = run(impl, fw, logits, targets)
    loss2, grad2, _ = run(impl, fw, np.concatenate([logits, logits]), np.concatenate([targets, targets]))
    assert_close(np.array(loss2), loss1, dtype=dt, what="the loss of the batch repeated twice (a mean, not a sum)")
    assert_close(grad2, np.concatenate([grad1, grad1]) / 2, dtype=dt, what="the gradient of the batch repeated twice")


def test_ignore_index_default(impl, fw):
    """Targets equal to -100 are ignored: the mean is over the other positions and their gradient rows are 0."""
    rng = np.random.default_rng(5)
    logits, targets = sample(rng, (2, 6), 5)
    targets[0, :2] = -100
    targets[1, 4:] = -100
    loss, grad, dt = run(impl, fw, logits, targets)
    compare(loss, grad, torch_reference(logits, targets), dt, what=" with ignored positions")
    check(bool((grad[targets == -100] == 0).all()), "the gradient rows of ignored positions are not exactly 0")


def test_ignore_index_argument(impl, fw):
    """ignore_index is honoured when given: -1, or a valid class such as 0."""
    rng = np.random.default_rng(6)
    logits, targets = sample(rng, (7,), 4)
    targets[[1, 5]] = -1
    loss, grad, dt = run(impl, fw, logits, targets, ignore_index=-1)
    compare(loss, grad, torch_reference(logits, targets, -1), dt, what=" with ignore_index=-1")
    targets = np.array([0, 1, 0, 2, 3, 0, 1])
    loss, grad, dt = run(impl, fw, logits, targets, ignore_index=0)
    compare(loss, grad, torch_reference(logits, targets, 0), dt, what=" with ignore_index=0")


def test_out_of_range_targets_raise(impl, fw):
    """A non-ignored target outside [0, C) raises ValueError (C itself, -1, or -100 when ignore_index is -1)."""
    logits = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]])
    for targets, kwargs in (([0, 3], {}), ([-1, 0], {}), ([2, 7], {}), ([-100, 1], {"ignore_index": -1})):
        label = f"targets={targets}" + (f", ignore_index={kwargs['ignore_index']}" if kwargs else "")
        try:
            impl.cross_entropy_grad(logits.copy(), np.array(targets), **kwargs)
        except ValueError:
            continue
        except Exception as exc:  # noqa: BLE001 - the wrong exception type is the user's bug
            fail(f"{label} with C = 3 raised {type(exc).__name__}; expected ValueError")
        fail(f"{label} with C = 3 did not raise ValueError")


def test_huge_logits_float64(impl, fw):
    """Logits of magnitude 1e4 (float64): finite and exact, a confident wrong prediction costs ~2e4."""
    logits = np.array([[1e4, 0.0, -1e4], [0.0, 1e4, 1e4 - 1.0], [-1e4, -1e4 + 3.0, -1e4 + 1.0]])
    targets = np.array([2, 2, 0])
    loss, grad, dt = run(impl, fw, logits, targets)
    assert_finite(np.array([loss]), what="the loss for logits of magnitude 1e4")
    assert_finite(grad, what="the gradient for logits of magnitude 1e4")
    compare(loss, grad, loop_reference(logits, targets), dt, what=" for logits of magnitude 1e4")


def test_float32_inputs(impl, fw):
    """float32 logits: accurate to float32 precision, and finite for logits of magnitude 1e4."""
    rng = np.random.default_rng(7)
    logits, targets = sample(rng, (3, 4), 9, scale=3.0)
    logits = logits.astype(np.float32)
    loss, grad, dt = run(impl, fw, logits, targets, dtype="float32")
    compare(loss, grad, loop_reference(logits, targets), dt, what=" (float32)", **F32)
    big = np.array([[1e4, 0.0, -1e4], [0.0, 1e4, 1e4 - 1.0]], dtype=np.float32)
    loss, grad, dt = run(impl, fw, big, np.array([2, 2]), dtype="float32")
    assert_finite(np.array([loss]), what="the float32 loss for logits of magnitude 1e4")
    assert_finite(grad, what="the float32 gradient for logits of magnitude 1e4")
    compare(loss, grad, loop_reference(big, np.array([2, 2])), dt, what=" (float32, magnitude 1e4)", rtol=1e-3, atol=1e-5)


def test_float64_inputs_keep_float64_precision(impl, fw):
    """float64 logits are computed in float64: the loss and gradient match the definition to ~1e-10, not float32's ~1e-7."""
    rng = np.random.default_rng(12)
    logits, targets = sample(rng, (4, 6), 50, scale=3.0)
    targets[0, :2] = -100
    loss, grad, dt = run(impl, fw, logits, targets)
    check(dt == "float64", f"the gradient is {dt} for float64 logits; expected float64")
    compare(loss, grad, loop_reference(logits, targets), dt,
            what=" for float64 logits (a float32 computation or result is off by about 1e-7)", rtol=1e-10, atol=1e-14)


def test_inputs_not_modified(impl, fw):
    """logits and targets are unchanged after the call."""
    rng = np.random.default_rng(8)
    logits, targets = sample(rng, (5,), 4, scale=5.0)
    targets[2] = -100
    given_logits, given_targets = logits.copy(), targets.copy()
    impl.cross_entropy_grad(given_logits, given_targets)
    check(bool((given_logits == logits).all()), "the logits were modified by the call")
    check(bool((given_targets == targets).all()), "the targets were modified by the call")


@SETTINGS
@given(
    n=st.integers(1, 6), c=st.integers(1, 6), ignore_index=st.sampled_from([-100, -1, 0]),
    scale=st.sampled_from([0.1, 3.0, 40.0]), seed=st.integers(0, 2**16),
)
def test_matches_plain_loop_definition(impl, fw, n, c, ignore_index, scale, seed):
    """On random batch sizes, class counts (C = 1 included), ignored positions and scales, agrees with a plain loop."""
    rng = np.random.default_rng(seed)
    if ignore_index == 0 and c == 1:
        ignore_index = -100
    logits, targets = sample(rng, (n,), c, scale=scale)
    targets[rng.random(n) < 0.3] = ignore_index
    keep = rng.integers(0, n)
    if targets[keep] == ignore_index:
        targets[keep] = (ignore_index + 1) % c if 0 <= ignore_index < c else 0
    loss, grad, dt = run(impl, fw, logits, targets, ignore_index=ignore_index)
    compare(loss, grad, loop_reference(logits, targets, ignore_index), dt,
            what=f" (N={n}, C={c}, ignore_index={ignore_index})")
