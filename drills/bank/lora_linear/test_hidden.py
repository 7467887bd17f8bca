"""Hidden suite for `lora_linear` (torch only). Base layers are built from seeded NumPy weights; references in float64."""

import math

import numpy as np
import torch
from torch import nn

from postprep.drills.harness import assert_close, check, fail

F32 = {"rtol": 1e-5, "atol": 1e-5}


def make_base(n_in, n_out, bias=True, dtype=torch.float64, seed=0):
    rng = np.random.default_rng(seed)
    base = nn.Linear(n_in, n_out, bias=bias, dtype=dtype)
    with torch.no_grad():
        base.weight.copy_(torch.from_numpy(rng.standard_normal((n_out, n_in)) / math.sqrt(n_in)))
        if bias:
            base.bias.copy_(torch.from_numpy(rng.standard_normal(n_out)))
    return base


def wrap(impl, base, r, alpha):
    layer = impl.add_lora(base, r, alpha)
    check(isinstance(layer, nn.Module), f"add_lora returned {type(layer).__name__}; expected a torch.nn.Module")
    return layer


def params(layer, base):
    """(lora_A, lora_B), checked for kind and shape."""
    a, b = getattr(layer, "lora_A", None), getattr(layer, "lora_B", None)
    for p, name in ((a, "lora_A"), (b, "lora_B")):
        check(isinstance(p, nn.Parameter), f"the layer's {name} is {type(p).__name__}; expected an nn.Parameter")
    return a, b


def set_ab(layer, a, b):
    with torch.no_grad():
        layer.lora_A.copy_(torch.as_tensor(a))
        layer.lora_B.copy_(torch.as_tensor(b))


def out_np(y, what="the output"):
    check(isinstance(y, torch.Tensor), f"{what} is {type(y).__name__}; expected a torch.Tensor")
    return y.detach().to(torch.float64).numpy()


def formula(x, w, bias, a, b, scaling):
    """x W^T + b + scaling * (x A^T) B^T in float64."""
    x, w, a, b = (np.asarray(v, dtype=np.float64) for v in (x, w, a, b))
    y = x @ w.T + scaling * (x @ a.T) @ b.T
    return y if bias is None else y + np.asarray(bias, dtype=np.float64)


def weights(base):
    w = base.weight.detach().numpy().copy()
    return w, None if base.bias is None else base.bias.detach().numpy().copy()


def random_ab(rng, r, n_in, n_out, scale=0.5):
    return rng.standard_normal((r, n_in)) * scale, rng.standard_normal((n_out, r)) * scale


def test_worked_example(impl):
    """The prompt's example: the base output at init, [10.5, -7.5] with the given A and B, unchanged by merge()."""
    base = nn.Linear(3, 2, dtype=torch.float32)
    with torch.no_grad():
        base.weight.copy_(torch.tensor([[1.0, 0.0, 2.0], [0.0, 1.0, -1.0]]))
        base.bias.copy_(torch.tensor([0.5, -0.5]))
    layer = wrap(impl, base, 1, 2.0)
    x = torch.tensor([1.0, 2.0, 3.0])
    assert_close(out_np(layer(x)), [7.5, -1.5], dtype="float32", what="the output at initialisation")
    set_ab(layer, [[1.0, 1.0, 0.0]], [[0.5], [-1.0]])
    assert_close(out_np(layer(x)), [10.5, -7.5], dtype="float32", what="the output with the example's A and B")
    layer.merge()
    assert_close(base.weight.detach().numpy(), [[2.0, 1.0, 2.0], [-2.0, -1.0, -1.0]], dtype="float32", what="base.weight after merge()")
    assert_close(out_np(layer(x)), [10.5, -7.5], dtype="float32", what="the output after merge()")


def test_equals_base_at_init(impl):
    """Right after add_lora, the layer computes exactly base(x) for inputs of shape (in,), (N, in) and (B, T, in)."""
    for dtype, dt in ((torch.float64, "float64"), (torch.float32, "float32")):
        base = make_base(6, 4, dtype=dtype, seed=1)
        reference = out_np(base(torch.ones(6, dtype=dtype)))
        layer = wrap(impl, base, 2, 4.0)
        assert_close(out_np(layer(torch.ones(6, dtype=dtype))), reference, dtype=dt, what=f"the output for a 1-D input at init ({dt})")
        rng = np.random.default_rng(2)
        for shape in ((5, 6), (2, 3, 6)):
            x = torch.tensor(rng.standard_normal(shape), dtype=dtype)
            assert_close(out_np(layer(x)), out_np(base(x)), dtype=dt, what=f"the output for input shape {shape} at init ({dt})")


def test_initialisation(impl):
    """lora_B starts at exactly 0; lora_A is uniform in [-1/sqrt(in), 1/sqrt(in)] (kaiming_uniform_ with a=sqrt(5)), in the base dtype."""
    torch.manual_seed(0)
    n_in, n_out, r = 400, 24, 32
    base = make_base(n_in, n_out, dtype=torch.float32)
    a, b = params(wrap(impl, base, r, 16.0), base)
    check(tuple(a.shape) == (r, n_in), f"lora_A has shape {tuple(a.shape)}; expected (r, in) = {(r, n_in)}")
    check(tuple(b.shape) == (n_out, r), f"lora_B has shape {tuple(b.shape)}; expected (out, r) = {(n_out, r)}")
    check(a.dtype == torch.float32 and b.dtype == torch.float32, f"lora_A / lora_B have dtypes {a.dtype} / {b.dtype}; expected the base weight's dtype, torch.float32")
    bv, av = b.detach().double().numpy(), a.detach().double().numpy()
    check(bool((bv == 0).all()), "lora_B is not all zeros at initialisation: B = 0 makes the update B A start at 0")
    check(bool((av != 0).any()), "lora_A is all zeros: with A = B = 0 neither gets a gradient and training never starts")
    bound = 1.0 / math.sqrt(n_in)
    check(float(np.abs(av).max()) <= bound * (1 + 1e-5), f"lora_A has entries up to {float(np.abs(av).max()):.4g}, outside [-1/sqrt(in), 1/sqrt(in)] = ±{bound:.4g}")
    std, expected = float(av.std()), bound / math.sqrt(3.0)
    check(abs(std / expected - 1) < 0.05, f"lora_A has standard deviation {std:.4g}; kaiming_uniform_(a=sqrt(5)) gives 1/sqrt(3 in) = {expected:.4g}")
    check(abs(float(av.mean())) < 5 * expected / math.sqrt(av.size), f"lora_A has mean {float(av.mean()):.3g}; expected about 0")
    check(float(av.std(axis=1).min()) > 0.5 * expected, "some rows of lora_A are (nearly) constant; every entry should be drawn independently")


def test_forward_matches_formula(impl):
    """With non-zero A and B: y = x W^T + b + (alpha / r) (x A^T) B^T, for several ranks, alphas and batch shapes."""
    rng = np.random.default_rng(3)
    for (n_in, n_out, r, alpha, bias) in ((7, 5, 2, 4.0, True), (6, 9, 3, 3.0, False), (8, 8, 8, 8.0, True), (5, 3, 1, 0.5, True)):
        base = make_base(n_in, n_out, bias=bias, seed=r)
        w, bvec = weights(base)
        layer = wrap(impl, base, r, alpha)
        a, b = random_ab(rng, r, n_in, n_out)
        set_ab(layer, a, b)
        for shape in ((n_in,), (4, n_in), (2, 3, n_in)):
            x = rng.standard_normal(shape)
            got = out_np(layer(torch.tensor(x)))
            assert_close(got, formula(x, w, bvec, a, b, alpha / r), what=f"the output (in={n_in}, out={n_out}, r={r}, alpha={alpha}, bias={bias}, x shape {shape})")


def test_scaling_is_alpha_over_r(impl):
    """scaling = alpha / r (not alpha, not alpha / sqrt(r)), as an attribute and in the output."""
    rng = np.random.default_rng(4)
    for r, alpha in ((4, 16.0), (8, 8.0), (16, 1.0), (2, 32.0)):
        base = make_base(16, 6, seed=5)
        w, bvec = weights(base)
        layer = wrap(impl, base, r, alpha)
        s = getattr(layer, "scaling", None)
        check(isinstance(s, (int, float)) and not isinstance(s, bool) and abs(s - alpha / r) < 1e-12,
              f"scaling is {s!r} for r={r}, alpha={alpha}; expected alpha / r = {alpha / r}")
        a, b = random_ab(rng, r, 16, 6)
        set_ab(layer, a, b)
        x = rng.standard_normal((3, 16))
        assert_close(out_np(layer(torch.tensor(x))), formula(x, w, bvec, a, b, alpha / r), what=f"the output with r={r}, alpha={alpha}")


def test_only_lora_parameters_are_trainable(impl):
    """The trainable parameters are exactly lora_A and lora_B; base.weight and base.bias are frozen."""
    base = make_base(5, 4)
    layer = wrap(impl, base, 2, 2.0)
    a, b = params(layer, base)
    trainable = [p for p in layer.parameters() if p.requires_grad]
    check(len(trainable) == 2 and any(p is a for p in trainable) and any(p is b for p in trainable),
          f"the layer has {len(trainable)} trainable parameters with shapes {[tuple(p.shape) for p in trainable]}; expected exactly lora_A and lora_B")
    check(not base.weight.requires_grad, "base.weight still requires grad: freeze the pretrained weight")
    check(not base.bias.requires_grad, "base.bias still requires grad: freeze the pretrained bias too")


def test_gradients(impl):
    """At init only lora_B gets a non-zero gradient (A's is 0 because B = 0); later both match autograd of the formula; base gets none."""
    rng = np.random.default_rng(6)
    n_in, n_out, r, alpha = 6, 5, 3, 6.0
    base = make_base(n_in, n_out, seed=7)
    layer = wrap(impl, base, r, alpha)
    x = torch.tensor(rng.standard_normal((4, n_in)))
    g = torch.tensor(rng.standard_normal((4, n_out)))
    for step in ("at initialisation", "with non-zero A and B"):
        if step != "at initialisation":
            a, b = random_ab(rng, r, n_in, n_out)
            set_ab(layer, a, b)
        layer.lora_A.grad = None
        layer.lora_B.grad = None
        y = layer(x)
        check(isinstance(y, torch.Tensor) and y.requires_grad, f"the output {step} is not differentiable (the LoRA path must stay in the graph)")
        (y * g).sum().backward()
        a_ref = layer.lora_A.detach().clone().requires_grad_(True)
        b_ref = layer.lora_B.detach().clone().requires_grad_(True)
        ((x @ base.weight.detach().T + base.bias.detach() + (x @ a_ref.T @ b_ref.T) * (alpha / r)) * g).sum().backward()
        check(layer.lora_A.grad is not None and layer.lora_B.grad is not None, f"no gradient reached lora_A or lora_B {step}")
        assert_close(layer.lora_A.grad.numpy(), a_ref.grad.numpy(), what=f"the gradient of lora_A {step}")
        assert_close(layer.lora_B.grad.numpy(), b_ref.grad.numpy(), what=f"the gradient of lora_B {step}")
        check(base.weight.grad is None and base.bias.grad is None, f"base.weight or base.bias received a gradient {step}; they must be frozen")
    check(bool(np.abs(b_ref.grad.numpy()).max() > 0), "lora_B's gradient is zero")


def test_merge_and_unmerge(impl):
    """merge() adds (alpha / r) B A to base.weight in place (still frozen) and keeps the outputs; unmerge() restores W and the outputs."""
    rng = np.random.default_rng(8)
    for dtype, dt, tol in ((torch.float64, "float64", {}), (torch.float32, "float32", F32)):
        n_in, n_out, r, alpha = 9, 7, 3, 12.0
        base = make_base(n_in, n_out, dtype=dtype, seed=9)
        w, _ = weights(base)
        layer = wrap(impl, base, r, alpha)
        check(getattr(layer, "merged", None) is False, f"merged is {getattr(layer, 'merged', None)!r} after construction; expected False")
        a, b = random_ab(rng, r, n_in, n_out)
        set_ab(layer, a.astype(np.float32) if dtype == torch.float32 else a, b.astype(np.float32) if dtype == torch.float32 else b)
        a, b = layer.lora_A.detach().double().numpy(), layer.lora_B.detach().double().numpy()
        x = torch.tensor(rng.standard_normal((5, n_in)), dtype=dtype)
        before = out_np(layer(x))
        weight = base.weight
        layer.merge()
        check(layer.merged is True, "merged is not True after merge()")
        for when in ("merge()", "unmerge()"):
            check(base.weight is weight,
                  f"after {when} base.weight is a new tensor; the update must be added to the existing weight in place")
            check(not base.weight.requires_grad, f"base.weight requires grad after {when}; it must stay frozen")
            check(base.weight.grad_fn is None, f"base.weight has a grad_fn after {when}; the update must be applied without recording a gradient")
            if when == "merge()":
                assert_close(base.weight.detach().double().numpy(), w + (alpha / r) * b @ a, dtype=dt,
                             what=f"base.weight after merge() ({dt})", **tol)
                assert_close(out_np(layer(x)), before, dtype=dt, what=f"the output after merge() ({dt})", **tol)
                layer.unmerge()
                check(layer.merged is False, "merged is not False after unmerge()")
        assert_close(base.weight.detach().double().numpy(), w, dtype=dt, what=f"base.weight after merge() then unmerge() ({dt})", **tol)
        assert_close(out_np(layer(x)), before, dtype=dt, what=f"the output after merge() then unmerge() ({dt})", **tol)


def test_float64_inputs_keep_float64_precision(impl):
    """A float64 layer computes in float64: forward, merge() and unmerge() match the formula to ~1e-10, not float32's ~1e-7."""
    rng = np.random.default_rng(13)
    n_in, n_out, r, alpha = 24, 16, 4, 16.0
    base = make_base(n_in, n_out, dtype=torch.float64, seed=14)
    w, bvec = weights(base)
    layer = wrap(impl, base, r, alpha)
    a, b = random_ab(rng, r, n_in, n_out, scale=1.0)
    set_ab(layer, a, b)
    x = rng.standard_normal((6, n_in)) * 2.0
    want = formula(x, w, bvec, a, b, alpha / r)
    hint = "(a float32 computation, e.g. .float() on x, A or B then cast back, is off by about 1e-7)"
    got = out_np(layer(torch.tensor(x)))
    check(got.shape == want.shape, f"the output has shape {got.shape}; expected {want.shape}")
    assert_close(got, want, rtol=1e-10, atol=1e-11, what=f"the float64 output {hint}")
    layer.merge()
    assert_close(base.weight.detach().numpy(), w + (alpha / r) * b @ a, rtol=1e-10, atol=1e-12,
                 what=f"the float64 base.weight after merge() {hint}")
    assert_close(out_np(layer(torch.tensor(x))), want, rtol=1e-10, atol=1e-11, what=f"the float64 output after merge() {hint}")
    layer.unmerge()
    assert_close(base.weight.detach().numpy(), w, rtol=1e-10, atol=1e-12,
                 what=f"the float64 base.weight after merge() then unmerge() {hint}")

def test_merge_twice_adds_once(impl):
    """merge() on a merged layer and unmerge() on an unmerged one change nothing: the update is never applied twice."""
    rng = np.random.default_rng(10)
    base = make_base(6, 4, seed=11)
    w, _ = weights(base)
    layer = wrap(impl, base, 2, 4.0)
    a, b = random_ab(rng, 2, 6, 4)
    set_ab(layer, a, b)
    layer.unmerge()
    assert_close(base.weight.detach().numpy(), w, what="base.weight after unmerge() on a layer that was never merged")
    x = torch.tensor(rng.standard_normal((3, 6)))
    before = out_np(layer(x))
    layer.merge()
    layer.merge()
    assert_close(base.weight.detach().numpy(), w + 2.0 * b @ a, what="base.weight after merge() twice (the update must be added once)")
    assert_close(out_np(layer(x)), before, what="the output after merge() twice")
    layer.unmerge()
    layer.unmerge()
    assert_close(base.weight.detach().numpy(), w, what="base.weight after unmerge() twice")
    assert_close(out_np(layer(x)), before, what="the output after unmerge() twice")


def test_training_then_merge(impl):
    """A few SGD steps on lora_A and lora_B change the output; base.weight is untouched until merge(), which then reproduces it."""
    torch.manual_seed(1)
    rng = np.random.default_rng(12)
    base = make_base(8, 5, seed=13)
    w, _ = weights(base)
    layer = wrap(impl, base, 4, 8.0)
    x = torch.tensor(rng.standard_normal((16, 8)))
    target = torch.tensor(rng.standard_normal((16, 5)))
    for _ in range(5):  # plain SGD, lr 0.1
        layer.lora_A.grad = layer.lora_B.grad = None
        ((layer(x) - target) ** 2).mean().backward()
        with torch.no_grad():
            layer.lora_A -= 0.1 * layer.lora_A.grad
            layer.lora_B -= 0.1 * layer.lora_B.grad
    assert_close(base.weight.detach().numpy(), w, what="base.weight after training the adapter (it must stay frozen)")
    trained = out_np(layer(x))
    check(float(np.abs(trained - out_np(base(x))).max()) > 1e-3, "training lora_A and lora_B did not change the output")
    layer.merge()
    assert_close(out_np(layer(x)), trained, what="the trained layer's output after merge()")
    assert_close(out_np(base(x)), trained, what="base(x) after merge() (the merged base alone reproduces the adapted layer)")


def test_invalid_rank(impl):
    """add_lora raises ValueError when r is not a positive int (0, -1, 2.5)."""
    import pytest

    for r in (0, -1, 2.5):
        with pytest.raises(ValueError):
            impl.add_lora(make_base(4, 3), r, 8.0)


def test_input_not_modified(impl):
    """The input x is unchanged by forward, before and after merge()."""
    rng = np.random.default_rng(14)
    layer = wrap(impl, make_base(5, 3), 2, 4.0)
    set_ab(layer, *random_ab(rng, 2, 5, 3))
    x_np = rng.standard_normal((4, 5))
    x = torch.tensor(x_np)
    layer(x)
    layer.merge()
    layer(x)
    assert_close(x.numpy(), x_np, what="the input x after the calls")
