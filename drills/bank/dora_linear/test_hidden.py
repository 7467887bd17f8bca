"""Hidden suite for `dora_linear` (torch only). Conventions (stated in the prompt, PEFT's): one magnitude per
output unit, norm over dim=1 of the (out, in) weight, norm detached, bias added unscaled."""

import math

import numpy as np
import pytest
import torch
from torch import nn

from postprep.drills.harness import assert_close, check

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
    layer = impl.add_dora(base, r, alpha)
    check(isinstance(layer, nn.Module), f"add_dora returned {type(layer).__name__}; expected a torch.nn.Module")
    for name in ("lora_A", "lora_B", "magnitude"):
        p = getattr(layer, name, None)
        check(isinstance(p, nn.Parameter), f"the layer's {name} is {type(p).__name__}; expected an nn.Parameter")
    return layer


def set_params(layer, a=None, b=None, m=None):
    with torch.no_grad():
        for value, p in ((a, layer.lora_A), (b, layer.lora_B), (m, layer.magnitude)):
            if value is not None:
                p.copy_(torch.as_tensor(value))


def out_np(y, what="the output"):
    check(isinstance(y, torch.Tensor), f"{what} is {type(y).__name__}; expected a torch.Tensor")
    return y.detach().to(torch.float64).numpy()


def loop_reference(x, w, bias, a, b, m, s):
    """W' row by row in float64, then x W'^T + b."""
    w, a, b, m = (np.asarray(v, dtype=np.float64) for v in (w, a, b, m))
    v = w + s * b @ a
    w_new = np.stack([m[i] * v[i] / math.sqrt(float(v[i] @ v[i])) for i in range(v.shape[0])])
    y = np.asarray(x, dtype=np.float64) @ w_new.T
    return (y if bias is None else y + np.asarray(bias, dtype=np.float64)), w_new


def state(base):
    w = base.weight.detach().double().numpy().copy()
    return w, None if base.bias is None else base.bias.detach().double().numpy().copy()


def randomise(layer, rng, r, n_in, n_out, w):
    a, b = rng.standard_normal((r, n_in)) * 0.5, rng.standard_normal((n_out, r)) * 0.5
    m = np.linalg.norm(w, axis=1) * rng.uniform(0.5, 2.0, n_out)
    set_params(layer, a, b, m)
    return a, b, m


def test_worked_example(impl):
    """The prompt's example: magnitude [5, 2], base output at init, then [8, 1.8284] and [15, 0.4142]."""
    base = nn.Linear(2, 2, dtype=torch.float32)
    with torch.no_grad():
        base.weight.copy_(torch.tensor([[3.0, 4.0], [0.0, 2.0]]))
        base.bias.copy_(torch.tensor([1.0, -1.0]))
    layer = wrap(impl, base, 1, 1.0)
    x = torch.tensor([1.0, 1.0])
    assert_close(out_np(layer.magnitude), [5.0, 2.0], dtype="float32", what="magnitude at initialisation (the row norms of W0)")
    assert_close(out_np(layer(x)), [8.0, 1.0], dtype="float32", what="the output at initialisation")
    set_params(layer, a=[[1.0, 0.0]], b=[[0.0], [2.0]])
    assert_close(out_np(layer(x)), [8.0, 4 / math.sqrt(8) * 2 - 1], dtype="float32", what="the output with the example's A and B")
    assert_close(out_np(layer.merged_weight(), "merged_weight()"), [[3.0, 4.0], [math.sqrt(2), math.sqrt(2)]], dtype="float32", what="merged_weight()")
    set_params(layer, m=[10.0, 1.0])
    assert_close(out_np(layer(x)), [15.0, 4 / math.sqrt(8) - 1], dtype="float32", what="the output with magnitude [10, 1]")


def test_equals_base_at_init(impl):
    """Right after add_dora the layer computes base(x), for inputs (in,), (N, in), (B, T, in), with and without bias."""
    rng = np.random.default_rng(1)
    for dtype, dt in ((torch.float64, "float64"), (torch.float32, "float32")):
        for bias in (True, False):
            base = make_base(6, 4, bias=bias, dtype=dtype, seed=2)
            layer = wrap(impl, base, 3, 6.0)
            for shape in ((6,), (5, 6), (2, 3, 6)):
                x = torch.tensor(rng.standard_normal(shape), dtype=dtype)
                assert_close(out_np(layer(x)), out_np(base(x)), dtype=dt, what=f"the output at init (x shape {shape}, {dt}, bias={bias})")


def test_initialisation(impl):
    """magnitude = the row norms of W0, shape (out,); lora_B = 0; lora_A non-zero within ±1/sqrt(in); scaling = alpha / r."""
    torch.manual_seed(0)
    n_in, n_out, r = 12, 5, 4  # in != out: a norm over the wrong axis has the wrong shape
    base = make_base(n_in, n_out, seed=3)
    w, _ = state(base)
    layer = wrap(impl, base, r, 8.0)
    m = out_np(layer.magnitude, "magnitude")
    check(m.shape == (n_out,), f"magnitude has shape {m.shape}; expected (out,) = ({n_out},): one magnitude per output unit (norm over dim=1 of the (out, in) weight)")
    assert_close(m, np.linalg.norm(w, axis=1), what="magnitude at initialisation (the norm of each row of W0)")
    check(tuple(layer.lora_A.shape) == (r, n_in) and tuple(layer.lora_B.shape) == (n_out, r),
          f"lora_A / lora_B have shapes {tuple(layer.lora_A.shape)} / {tuple(layer.lora_B.shape)}; expected {(r, n_in)} / {(n_out, r)}")
    check(bool((out_np(layer.lora_B) == 0).all()), "lora_B is not all zeros at initialisation")
    av = out_np(layer.lora_A)
    check(bool((av != 0).any()) and float(np.abs(av).max()) <= (1 + 1e-5) / math.sqrt(n_in),
          "lora_A must be drawn with kaiming_uniform_(a=sqrt(5)): non-zero, within ±1/sqrt(in)")
    s = getattr(layer, "scaling", None)
    check(isinstance(s, (int, float)) and not isinstance(s, bool) and abs(s - 2.0) < 1e-12, f"scaling is {s!r} for r=4, alpha=8; expected alpha / r = 2.0")


def test_forward_matches_definition(impl):
    """With random A, B and magnitude: y = x W'^T + b with W' = m (W0 + s B A) / ||W0 + s B A|| row by row."""
    rng = np.random.default_rng(4)
    for n_in, n_out, r, alpha, bias in ((7, 5, 2, 4.0, True), (6, 9, 3, 3.0, False), (8, 8, 8, 16.0, True), (5, 3, 1, 0.5, True)):
        base = make_base(n_in, n_out, bias=bias, seed=r + 10)
        w, bvec = state(base)
        layer = wrap(impl, base, r, alpha)
        a, b, m = randomise(layer, rng, r, n_in, n_out, w)
        for shape in ((n_in,), (4, n_in), (2, 3, n_in)):
            x = rng.standard_normal(shape)
            expected, _ = loop_reference(x, w, bvec, a, b, m, alpha / r)
            assert_close(out_np(layer(torch.tensor(x))), expected,
                         what=f"the output (in={n_in}, out={n_out}, r={r}, alpha={alpha}, bias={bias}, x shape {shape})")


def test_bias_is_not_rescaled(impl):
    """Doubling the magnitude doubles x W'^T but not the bias: y(2m) - b = 2 (y(m) - b)."""
    rng = np.random.default_rng(5)
    base = make_base(6, 4, seed=6)
    w, bvec = state(base)
    layer = wrap(impl, base, 2, 2.0)
    a, b, m = randomise(layer, rng, 2, 6, 4, w)
    x = torch.tensor(rng.standard_normal((3, 6)))
    y1 = out_np(layer(x))
    set_params(layer, m=2 * m)
    y2 = out_np(layer(x))
    assert_close(y2 - bvec, 2 * (y1 - bvec), what="y - b after doubling the magnitude (the bias must be added after the rescaling)")


def test_norm_uses_current_lora_weights(impl):
    """The norm ||W0 + s B A|| is recomputed from the current A and B at every forward pass, not cached at init."""
    rng = np.random.default_rng(7)
    base = make_base(5, 4, seed=8)
    w, bvec = state(base)
    layer = wrap(impl, base, 2, 2.0)
    x = rng.standard_normal((3, 5))
    layer(torch.tensor(x))  # a first forward pass at init
    m = np.linalg.norm(w, axis=1)
    for _ in range(2):
        a, b = rng.standard_normal((2, 5)), rng.standard_normal((4, 2))
        set_params(layer, a, b)
        expected, _ = loop_reference(x, w, bvec, a, b, m, 1.0)
        assert_close(out_np(layer(torch.tensor(x))), expected, what="the output after changing A and B (the norm must follow them)")


def test_merged_weight(impl):
    """merged_weight() is W' (out, in): its rows have norms equal to magnitude and x W'^T + b equals forward(x)."""
    rng = np.random.default_rng(9)
    for dtype, dt, tol in ((torch.float64, "float64", {}), (torch.float32, "float32", F32)):
        base = make_base(7, 6, dtype=dtype, seed=11)
        w, bvec = state(base)
        layer = wrap(impl, base, 3, 6.0)
        randomise(layer, rng, 3, 7, 6, w)
        a, b, m = (out_np(p) for p in (layer.lora_A, layer.lora_B, layer.magnitude))
        x = rng.standard_normal((4, 7))
        expected_y, expected_w = loop_reference(x, w, bvec, a, b, m, 2.0)
        merged = out_np(layer.merged_weight(), "merged_weight()")
        assert_close(merged, expected_w, dtype=dt, what=f"merged_weight() ({dt})", **tol)
        assert_close(np.linalg.norm(merged, axis=1), m, dtype=dt, what=f"the row norms of merged_weight() (they must equal magnitude, {dt})", **tol)
        xt = torch.tensor(x, dtype=dtype)
        assert_close(out_np(xt @ layer.merged_weight().T + base.bias), out_np(layer(xt)), dtype=dt,
                     what=f"x @ merged_weight().T + b compared with forward(x) ({dt})", **tol)


def test_only_dora_parameters_are_trainable(impl):
    """The trainable parameters are exactly lora_A, lora_B and magnitude; base.weight and base.bias are frozen."""
    base = make_base(5, 4)
    layer = wrap(impl, base, 2, 2.0)
    trainable = [p for p in layer.parameters() if p.requires_grad]
    mine = (layer.lora_A, layer.lora_B, layer.magnitude)
    check(len(trainable) == 3 and all(any(p is q for q in trainable) for p in mine),
          f"the layer has {len(trainable)} trainable parameters with shapes {[tuple(p.shape) for p in trainable]}; expected exactly lora_A, lora_B and magnitude")
    check(not base.weight.requires_grad and not base.bias.requires_grad, "base.weight or base.bias still requires grad: freeze the pretrained layer")


def reference_grads(layer, base, x, g, s):
    """Autograd through the definition with the norm detached: gradients of sum(g * y) for A, B, m."""
    a = layer.lora_A.detach().clone().requires_grad_(True)
    b = layer.lora_B.detach().clone().requires_grad_(True)
    m = layer.magnitude.detach().clone().requires_grad_(True)
    v = base.weight.detach() + s * b @ a
    w_new = (m / torch.linalg.norm(v, dim=1).detach())[:, None] * v
    ((x @ w_new.T + base.bias.detach()) * g).sum().backward()
    return a.grad, b.grad, m.grad


def test_gradients_with_detached_norm(impl):
    """Gradients of lora_A, lora_B and magnitude equal autograd of W' with ||W0 + s B A|| detached (at init and later); base gets none."""
    rng = np.random.default_rng(12)
    n_in, n_out, r, alpha = 6, 5, 3, 6.0
    base = make_base(n_in, n_out, seed=13)
    w, _ = state(base)
    layer = wrap(impl, base, r, alpha)
    x = torch.tensor(rng.standard_normal((4, n_in)))
    g = torch.tensor(rng.standard_normal((4, n_out)))
    for step in ("at initialisation", "with random A, B and magnitude"):
        if step != "at initialisation":
            randomise(layer, rng, r, n_in, n_out, w)
        for p in (layer.lora_A, layer.lora_B, layer.magnitude):
            p.grad = None
        y = layer(x)
        check(isinstance(y, torch.Tensor) and y.requires_grad, f"the output {step} is not differentiable")
        (y * g).sum().backward()
        expected = reference_grads(layer, base, x, g, alpha / r)
        for p, e, name in zip((layer.lora_A, layer.lora_B, layer.magnitude), expected, ("lora_A", "lora_B", "magnitude")):
            check(p.grad is not None, f"no gradient reached {name} {step}")
            assert_close(p.grad.numpy(), e.numpy(), what=f"the gradient of {name} {step} (the norm is detached: it gets no gradient)")
        check(base.weight.grad is None and base.bias.grad is None, f"base.weight or base.bias received a gradient {step}")


def test_invalid_rank(impl):
    """add_dora raises ValueError when r is not a positive int (0, -2, 1.5)."""
    for r in (0, -2, 1.5):
        with pytest.raises(ValueError):
            impl.add_dora(make_base(4, 3), r, 8.0)


def test_input_not_modified(impl):
    """The input x is unchanged by forward."""
    rng = np.random.default_rng(14)
    base = make_base(5, 3)
    w, _ = state(base)
    layer = wrap(impl, base, 2, 4.0)
    randomise(layer, rng, 2, 5, 3, w)
    x_np = rng.standard_normal((4, 5))
    x = torch.tensor(x_np)
    layer(x)
    layer.merged_weight()
    assert_close(x.numpy(), x_np, what="the input x after the call")
