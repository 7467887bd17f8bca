"""Hidden suite for `nan_debugging` (torch only).

Each function is checked against its contract on adversarial inputs (constant columns, a column
near 1e4 in float32, logits of +-1e4, probabilities that underflow to 0), in float32 and float64,
values and gradients. Then `train` runs on data, epochs, lr and seeds chosen here: every loss
finite, the loss falls, parameters finite, held-out accuracy well above chance.
"""

import math

import numpy as np
import pytest
import torch

from postprep.drills.harness import assert_close, assert_finite, check, fail

EPS32 = float(np.finfo(np.float32).eps)

# Hyperparameters the suite sets itself. The fixed script reaches ~0.96 held-out accuracy with
# them (chance is 1/3); 0.9 leaves room for other honest fixes and other seeds.
EPOCHS = 10
LR = 0.02
N_TRAIN = 300
N_TEST = 1000
MIN_ACCURACY = 0.9
RUNS = [(1, 0), (7, 1)]  # (data seed, training seed)


# ----------------------------------------------------------------------------- references


def ref_standardize(x, ref=None):
    ref = x if ref is None else ref
    x, ref = np.asarray(x, np.float64), np.asarray(ref, np.float64)
    mean = ref.mean(axis=0)
    std = np.sqrt(((ref - mean) ** 2).mean(axis=0))
    return np.where(std > 0, (x - mean) / np.where(std > 0, std, 1.0), 0.0)


def ref_log_softmax(logits):
    z = np.asarray(logits, np.float64)
    z = z - z.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def ref_entropy(logits):
    lp = ref_log_softmax(logits)
    return -(np.exp(lp) * lp).sum(axis=-1)


def ref_entropy_grad(logits):
    """dH/dz_i = -p_i (log p_i + H)."""
    lp = ref_log_softmax(logits)
    p = np.exp(lp)
    h = -(p * lp).sum(axis=-1, keepdims=True)
    return -p * (lp + h)


def tensor(a, dtype):
    return torch.tensor(np.asarray(a), dtype=getattr(torch, dtype))


def out_numpy(fw, value, what):
    return fw.to_numpy(value, what=what)


def large_logits(dtype):
    """Rows that break exp(): overflow above ~88 (float32), underflow far below the maximum."""
    rng = np.random.default_rng(20)
    rows = [
        [1e4, 1e4 - 1.0, 1e4 - 3.0, -1e4],
        [-1e4, -1e4 + 0.5, -1e4, -9990.0],
        [3e3, -5e3, 7e3, 2e3],
        [100.0, 0.0, -100.0, 50.0],
        [0.0, 0.0, 0.0, 0.0],
    ]
    rows += list(rng.standard_normal((5, 4)) * 1e4)
    return np.array(rows, dtype=dtype).astype(np.float64)


# float32 rounding of values near 1e4 is ~1e-3; honest fixes (x - logsumexp(x), ...) land within it.
LARGE_TOL = {"float32": dict(rtol=1e-5, atol=4e-3), "float64": dict(rtol=1e-7, atol=1e-7)}


# ----------------------------------------------------------------------------- standardize


def columns(rng, n):
    """Ordinary columns with std >= 0.5."""
    return np.stack(
        [
            rng.standard_normal(n) * 2.0 + 5.0,
            rng.uniform(-3.0, 3.0, n),
            rng.standard_normal(n) * 0.7 - 1.0,
            rng.exponential(1.5, n),
        ],
        axis=1,
    )


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_standardize_matches_zscore(impl, fw, dtype):
    """standardize(x) gives (x - mean) / std per column, with the population std (divide by n)."""
    rng = np.random.default_rng(0)
    x = columns(rng, 50).astype(dtype)
    out = impl.standardize(tensor(x, dtype))
    got = out_numpy(fw, out, "standardize(x)")
    tol = dict(rtol=1e-4, atol=1e-6) if dtype == "float64" else dict(rtol=1e-4, atol=1e-4)
    assert_close(got, ref_standardize(x), what=f"standardize(x) for {dtype} x", **tol)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_standardize_constant_column(impl, fw, dtype):
    """A constant column (std 0) maps to 0, not nan or inf; the other columns are unaffected."""
    rng = np.random.default_rng(1)
    x = columns(rng, 64)
    x[:, 1] = 1.0
    x = np.concatenate([x, np.zeros((64, 1)), np.full((64, 1), -2.5)], axis=1).astype(dtype)
    out = impl.standardize(tensor(x, dtype))
    got = out_numpy(fw, out, "standardize(x)")
    assert_finite(got, what=f"standardize(x) of {dtype} x with constant columns 1, 4 and 5")
    assert_close(got, ref_standardize(x), rtol=1e-4, atol=1e-4,
                 what=f"standardize(x) of {dtype} x with constant columns 1, 4 and 5")


def test_standardize_large_offset_float32(impl, fw):
    """float32 columns with a large mean next to their spread (about 1e4 +- 1) are standardized accurately."""
    rng = np.random.default_rng(2)
    n = 200
    x = np.stack(
        [
            1e4 + rng.standard_normal(n),
            -1e4 + 1.5 * rng.standard_normal(n),
            1e4 * rng.standard_normal(n),  # huge scale, mean near 0
            rng.standard_normal(n),
        ],
        axis=1,
    ).astype(np.float32)
    out = impl.standardize(tensor(x, "float32"))
    got = out_numpy(fw, out, "standardize(x)")
    what = "standardize(x) of a float32 column near 1e4 with std ~1"
    assert_finite(got, what=what)
    # float32 resolves values near 1e4 to ~1e-3, so the mean is known to ~5e-4: allow a few of those.
    assert_close(got, ref_standardize(x), rtol=1e-3, atol=5e-3, what=what)


def test_standardize_with_ref(impl, fw):
    """standardize(x, ref) uses ref's column means and stds, not x's; a column constant in ref and x maps to 0."""
    rng = np.random.default_rng(3)
    ref = columns(rng, 80)
    x = columns(rng, 7) * 1.7 + 0.3
    ref[:, 2] = 3.0
    x[:, 2] = 3.0
    for dtype in ("float64", "float32"):
        r, xx = ref.astype(dtype), x.astype(dtype)
        out = impl.standardize(tensor(xx, dtype), tensor(r, dtype))
        got = out_numpy(fw, out, "standardize(x, ref)")
        tol = dict(rtol=1e-4, atol=1e-6) if dtype == "float64" else dict(rtol=1e-4, atol=1e-4)
        assert_close(got, ref_standardize(xx, r), what=f"standardize(x, ref) for {dtype} inputs", **tol)


def test_standardize_does_not_modify_inputs(impl, fw):
    """x and ref are unchanged after the call."""
    rng = np.random.default_rng(4)
    x, ref = columns(rng, 9), columns(rng, 30)
    tx, tref = tensor(x, "float64"), tensor(ref, "float64")
    impl.standardize(tx, tref)
    impl.standardize(tx)
    assert_close(out_numpy(fw, tx, "x"), x, what="x after standardize")
    assert_close(out_numpy(fw, tref, "ref"), ref, what="ref after standardize")


# ----------------------------------------------------------------------------- log_softmax


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_log_softmax_matches_definition(impl, fw, dtype):
    """log_softmax over the last axis of (n, k) and (a, b, k) logits of moderate size."""
    rng = np.random.default_rng(5)
    for shape in [(6, 5), (2, 3, 7), (4, 1)]:
        z = (rng.standard_normal(shape) * 3).astype(dtype)
        out = impl.log_softmax(tensor(z, dtype))
        got = out_numpy(fw, out, "log_softmax(logits)")
        assert_close(got, ref_log_softmax(z), dtype=fw.dtype_name(out),
                     what=f"log_softmax of {dtype} logits of shape {shape}")


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_log_softmax_large_logits(impl, fw, dtype):
    """Logits up to +-1e4 give a finite, exact log_softmax (exp would overflow or underflow)."""
    z = large_logits(dtype)
    out = impl.log_softmax(tensor(z, dtype))
    got = out_numpy(fw, out, "log_softmax(logits)")
    what = f"log_softmax of {dtype} logits up to +-1e4"
    assert_finite(got, what=what)
    assert_close(got, ref_log_softmax(z), what=what, **LARGE_TOL[dtype])


def test_log_softmax_gradient(impl, fw):
    """The gradient of log_softmax with respect to the logits is right and finite, large logits included."""
    rng = np.random.default_rng(6)
    z = np.concatenate([rng.standard_normal((4, 4)) * 2, large_logits("float64")])
    w = rng.standard_normal(z.shape)
    logits = torch.tensor(z, requires_grad=True)
    out = impl.log_softmax(logits)
    check(isinstance(out, torch.Tensor) and out.requires_grad,
          "log_softmax's output is not differentiable (detached, or built outside torch)")
    (out * torch.from_numpy(w)).sum().backward()
    check(logits.grad is not None, "no gradient reached the logits through log_softmax")
    grad = out_numpy(fw, logits.grad, "the gradient")
    assert_finite(grad, what="the gradient of log_softmax with respect to the logits")
    p = np.exp(ref_log_softmax(z))
    expected = w - p * w.sum(axis=-1, keepdims=True)
    assert_close(grad, expected, rtol=1e-6, atol=1e-6, what="the gradient of log_softmax with respect to the logits")


# ----------------------------------------------------------------------------- cross_entropy


def ref_cross_entropy(z, t):
    lp = ref_log_softmax(z)
    return -lp[np.arange(len(t)), t].mean()


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_cross_entropy_matches_mean_nll(impl, fw, dtype):
    """cross_entropy is the mean over rows of -log softmax(logits)[i, target_i]."""
    rng = np.random.default_rng(7)
    z = (rng.standard_normal((12, 5)) * 2).astype(dtype)
    t = rng.integers(0, 5, 12)
    out = impl.cross_entropy(tensor(z, dtype), torch.from_numpy(t))
    got = out_numpy(fw, out, "cross_entropy(logits, targets)")
    check(got.size == 1, f"cross_entropy should return a scalar, got shape {tuple(got.shape)}")
    assert_close(got.reshape(()), ref_cross_entropy(z, t), dtype=fw.dtype_name(out),
                 what=f"cross_entropy of {dtype} logits")


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_cross_entropy_large_logits(impl, fw, dtype):
    """With logits up to +-1e4 the loss is finite and right, whether the target is the top class or far below it."""
    z = large_logits(dtype)
    n = len(z)
    for name, t in [("the top class", z.argmax(-1)), ("the lowest class", z.argmin(-1)),
                    ("mixed classes", np.arange(n) % z.shape[1])]:
        out = impl.cross_entropy(tensor(z, dtype), torch.from_numpy(t))
        got = out_numpy(fw, out, "cross_entropy(logits, targets)").reshape(-1)
        what = f"cross_entropy of {dtype} logits up to +-1e4 with targets at {name}"
        assert_finite(got, what=what)
        assert_close(got, [ref_cross_entropy(z, t)], what=what, **LARGE_TOL[dtype])


def test_cross_entropy_gradient(impl, fw):
    """The gradient of cross_entropy is (softmax(logits) - onehot(targets)) / n, finite for logits up to +-1e4."""
    rng = np.random.default_rng(8)
    z = np.concatenate([rng.standard_normal((6, 4)) * 2, large_logits("float64")])
    t = rng.integers(0, 4, len(z))
    logits = torch.tensor(z, requires_grad=True)
    out = impl.cross_entropy(logits, torch.from_numpy(t))
    check(isinstance(out, torch.Tensor) and out.requires_grad,
          "cross_entropy's output is not differentiable (detached, or built outside torch)")
    out.sum().backward()
    check(logits.grad is not None, "no gradient reached the logits through cross_entropy")
    grad = out_numpy(fw, logits.grad, "the gradient")
    assert_finite(grad, what="the gradient of cross_entropy with respect to the logits")
    expected = np.exp(ref_log_softmax(z))
    expected[np.arange(len(t)), t] -= 1.0
    assert_close(grad, expected / len(t), rtol=1e-6, atol=1e-7,
                 what="the gradient of cross_entropy with respect to the logits")


# ----------------------------------------------------------------------------- entropy


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_entropy_matches_definition(impl, fw, dtype):
    """entropy(logits) is -sum p log p of softmax(logits) over the last axis, in nats, one value per row."""
    rng = np.random.default_rng(9)
    for shape in [(6, 5), (2, 3, 4)]:
        z = (rng.standard_normal(shape) * 2).astype(dtype)
        out = impl.entropy(tensor(z, dtype))
        got = out_numpy(fw, out, "entropy(logits)")
        assert_close(got, ref_entropy(z), dtype=fw.dtype_name(out), rtol=1e-5, atol=1e-5,
                     what=f"entropy of {dtype} logits of shape {shape}")
    out = impl.entropy(tensor(np.zeros((1, 4)), dtype))
    assert_close(out_numpy(fw, out, "entropy(logits)"), [math.log(4)], rtol=1e-5, atol=1e-5,
                 what="entropy of uniform logits (should be log 4)")


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_entropy_with_zero_probabilities(impl, fw, dtype):
    """Where a probability underflows to exactly 0 (logits up to +-1e4), entropy is finite: 0 log 0 counts as 0."""
    z = large_logits(dtype)
    out = impl.entropy(tensor(z, dtype))
    got = out_numpy(fw, out, "entropy(logits)")
    what = f"entropy of {dtype} logits up to +-1e4 (some probabilities are exactly 0)"
    assert_finite(got, what=what)
    assert_close(got, ref_entropy(z), rtol=1e-4, atol=1e-2 if dtype == "float32" else 1e-6, what=what)


def test_entropy_gradient(impl, fw):
    """The gradient of entropy with respect to the logits is right and finite, also where probabilities are 0."""
    rng = np.random.default_rng(10)
    for dtype in ("float64", "float32"):
        z = np.concatenate([rng.standard_normal((4, 4)) * 2, large_logits(dtype)]).astype(dtype).astype(np.float64)
        logits = tensor(z, dtype).requires_grad_(True)
        out = impl.entropy(logits)
        check(isinstance(out, torch.Tensor) and out.requires_grad,
              "entropy's output is not differentiable (detached, or built outside torch)")
        out.sum().backward()
        check(logits.grad is not None, "no gradient reached the logits through entropy")
        grad = out_numpy(fw, logits.grad, "the gradient")
        what = f"the gradient of entropy with respect to {dtype} logits (some probabilities are exactly 0)"
        assert_finite(grad, what=what)
        tol = dict(rtol=1e-6, atol=1e-6) if dtype == "float64" else dict(rtol=1e-3, atol=5e-3)
        assert_close(grad, ref_entropy_grad(z), what=what, **tol)


def test_float64_inputs_keep_float64_precision(impl, fw):
    """float64 logits are computed in float64: log_softmax, cross_entropy and entropy match to ~1e-10, not float32's ~1e-7."""
    rng = np.random.default_rng(11)
    hint = "(a float32 computation, e.g. logits.float() then cast back, is off by about 1e-7 relative)"
    z = rng.standard_normal((8, 6)) * 20.0
    got = out_numpy(fw, impl.log_softmax(tensor(z, "float64")), "log_softmax(logits)")
    assert_close(got, ref_log_softmax(z), rtol=1e-10, atol=1e-12, what=f"log_softmax of float64 logits {hint}")
    t = rng.integers(0, 6, 8)
    got = out_numpy(fw, impl.cross_entropy(tensor(z, "float64"), torch.from_numpy(t)), "cross_entropy(logits, targets)")
    check(got.size == 1, f"cross_entropy should return a scalar, got shape {tuple(got.shape)}")
    assert_close(got.reshape(()), ref_cross_entropy(z, t), rtol=1e-10, atol=1e-12,
                 what=f"cross_entropy of float64 logits {hint}")
    z = rng.standard_normal((8, 6)) * 3.0
    got = out_numpy(fw, impl.entropy(tensor(z, "float64")), "entropy(logits)")
    assert_close(got, ref_entropy(z), rtol=1e-10, atol=1e-10, what=f"entropy of float64 logits {hint}")

# ----------------------------------------------------------------------------- train


def make_data(seed, n):
    """3 classes around a circle in a hidden plane (u, v), seen through awkward tabular columns."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, size=n)
    angle = 2 * np.pi * y / 3
    u = 2.0 * np.cos(angle) + 0.8 * rng.standard_normal(n)
    v = 2.0 * np.sin(angle) + 0.8 * rng.standard_normal(n)
    x = np.stack(
        [
            np.ones(n),                               # constant column
            1e4 + u,                                  # large offset, spread ~2 (an altitude in metres)
            3e3 * v,                                  # huge scale
            0.5 * (u + v) + rng.standard_normal(n),   # weak, noisy
            rng.standard_normal(n),                   # pure noise
        ],
        axis=1,
    )
    return torch.tensor(x, dtype=torch.float32), torch.tensor(y, dtype=torch.int64)


_RUNS: dict = {}


def run_training(impl, data_seed, seed):
    """Train once per (candidate, seeds) and share the result between the training tests."""
    key = (id(impl), data_seed, seed)
    if key not in _RUNS:
        x, y = make_data(data_seed, N_TRAIN)
        x_test, y_test = make_data(1000 + data_seed, N_TEST)
        x_given, y_given = x.clone(), y.clone()
        try:
            model, losses = impl.train(x_given, y_given, epochs=EPOCHS, lr=LR, seed=seed)
        except Exception as exc:  # noqa: BLE001 - shown to the user
            _RUNS[key] = exc
        else:
            _RUNS[key] = (model, losses, x, x_test, y_test)
    result = _RUNS[key]
    if isinstance(result, Exception):
        raise result
    return result


def loss_values(losses, epochs=EPOCHS):
    check(isinstance(losses, (list, tuple)), f"train should return (model, losses) with losses a list of floats, got {type(losses).__name__}")
    values = []
    for i, v in enumerate(losses):
        try:
            values.append(float(v))
        except (TypeError, ValueError):
            fail(f"losses[{i}] is {type(v).__name__}, not a number")
    check(len(values) >= epochs,
          f"train returned {len(values)} losses for {epochs} epochs; expected one per optimisation step "
          "(every step, including any whose loss was not finite)")
    return np.array(values)


@pytest.mark.parametrize("data_seed,seed", RUNS)
def test_training_losses_finite(impl, fw, data_seed, seed):
    """train (the suite's data, epochs, lr and seed) records a finite loss at every step."""
    _, losses, *_ = run_training(impl, data_seed, seed)
    values = loss_values(losses)
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        fail(f"{bad.size} of {values.size} training losses are not finite; the first is losses[{bad[0]}] = {values[bad[0]]}")


@pytest.mark.parametrize("data_seed,seed", RUNS)
def test_training_loss_decreases(impl, fw, data_seed, seed):
    """The training loss falls: the last 10 steps average under half of the first 3."""
    _, losses, *_ = run_training(impl, data_seed, seed)
    values = loss_values(losses)
    check(np.isfinite(values).all(), "some training losses are not finite")
    first, last = values[:3].mean(), values[-10:].mean()
    check(first > 0.5, f"the first training losses average {first:.4g}; a fresh 3-class model should start near log 3 = 1.1")
    check(last < 0.5 * first, f"the training loss did not fall enough: first 3 steps average {first:.4g}, last 10 average {last:.4g}")


@pytest.mark.parametrize("data_seed,seed", RUNS)
def test_trained_parameters_finite(impl, fw, data_seed, seed):
    """After training, every parameter of the model is finite (no nan/inf gradient reached it)."""
    model, *_ = run_training(impl, data_seed, seed)
    check(isinstance(model, torch.nn.Module), f"train should return (model, losses) with model a torch.nn.Module, got {type(model).__name__}")
    params = list(model.named_parameters())
    check(params, "the model has no parameters")
    for name, p in params:
        assert_finite(out_numpy(fw, p, name), what=f"parameter {name} after training")


@pytest.mark.parametrize("data_seed,seed", RUNS)
def test_held_out_accuracy(impl, fw, data_seed, seed):
    """The trained model classifies held-out data well: accuracy >= 0.9 (chance is 1/3)."""
    model, _, x, x_test, y_test = run_training(impl, data_seed, seed)
    with torch.no_grad():
        logits = model(impl.standardize(x_test.clone(), x.clone()))
    got = out_numpy(fw, logits, "model(standardize(x_test, x_train))")
    check(got.shape == (N_TEST, 3), f"the model's logits have shape {tuple(got.shape)}, expected ({N_TEST}, 3)")
    check(np.isfinite(got).all(), "the trained model's held-out logits are not all finite")
    accuracy = float((got.argmax(-1) == y_test.numpy()).mean())
    check(accuracy >= MIN_ACCURACY,
          f"held-out accuracy is {accuracy:.3f}, expected at least {MIN_ACCURACY} (chance is 0.333): "
          "the loss must be finite because the model trains, not because the cause was hidden")
