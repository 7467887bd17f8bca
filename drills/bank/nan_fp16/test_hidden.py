"""Hidden suite for `nan_fp16` (torch only).

The models here keep float32 master parameters and run their forward (and so their backward) in
float16, like autocast. mse_loss is checked on its own (overflowing and underflowing squares,
gradient), update_scale against torch's own GradScaler update kernel, train_step on overflowing,
clean, nan and tiny-gradient batches, and a 300-step run against the same run in float32.
"""

import copy
import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from postprep.drills.harness import assert_close, assert_finite, check, fail

# Bound before the candidate is imported: the drill forbids it, and the grader stubs it after collection.
AMP_UPDATE_SCALE = torch._amp_update_scale_
# The first optimizer built imports torch._dynamo (seconds on a busy machine): pay that at collection.
torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)

F16_TOL = {"rtol": 2e-3, "atol": 1e-6}  # float16 inputs carry ~5e-4 relative rounding


class HalfMLP(nn.Module):
    """float32 parameters (the master copy); forward in float16: input, weights and activations."""

    def __init__(self, d_in, hidden, d_out, seed, out_scale=1.0, out_mult=1.0):
        super().__init__()
        self.out_mult = out_mult  # a fixed output multiplier, so a small head can reach targets ~300
        g = torch.Generator().manual_seed(seed)
        self.fc1 = nn.Linear(d_in, hidden)
        self.fc2 = nn.Linear(hidden, d_out)
        with torch.no_grad():
            self.fc1.weight.copy_(torch.randn(hidden, d_in, generator=g) / math.sqrt(d_in))
            self.fc1.bias.copy_(0.1 * torch.randn(hidden, generator=g))
            self.fc2.weight.copy_(out_scale * torch.randn(d_out, hidden, generator=g) / math.sqrt(hidden))
            self.fc2.bias.zero_()

    def forward(self, x):
        h = torch.tanh(F.linear(x.half(), self.fc1.weight.half(), self.fc1.bias.half()))
        return self.out_mult * F.linear(h, self.fc2.weight.half(), self.fc2.bias.half())

    def forward32(self, x):
        h = torch.tanh(F.linear(x.float(), self.fc1.weight, self.fc1.bias))
        return self.out_mult * F.linear(h, self.fc2.weight, self.fc2.bias)


def new_state(scale=2.0**16, growth_interval=2000):
    return {"scale": float(scale), "good_steps": 0, "growth_interval": growth_interval}


def float32_grads(model, x, y):
    """The unscaled gradients of the float32 forward: what an honest float16 step should approximate."""
    ref = copy.deepcopy(model)
    ref.zero_grad(set_to_none=True)
    ((ref.forward32(x) - y.float()) ** 2).mean().backward()
    return {n: p.grad.double().numpy() for n, p in ref.named_parameters()}


def loss_of(model, x, y):
    """float64 MSE of the model's float16 predictions (the loss a float32 mse_loss returns)."""
    with torch.no_grad():
        pred = model(x).double()
    return float(((pred - y.double()) ** 2).mean())


def step(impl, model, optimizer, x, y, state):
    out = impl.train_step(model, optimizer, x, y, state)
    check(isinstance(out, (tuple, list)) and len(out) == 2, f"train_step returned {type(out).__name__}; expected a tuple (loss, stepped)")
    loss, stepped = out
    check(isinstance(stepped, (bool, np.bool_)), f"stepped is {type(stepped).__name__}; expected a bool")
    try:
        loss = float(loss)
    except (TypeError, ValueError):
        fail(f"the returned loss is {type(loss).__name__}; expected a float")
    return loss, bool(stepped)


def params_of(model):
    return {n: p.detach().clone() for n, p in model.named_parameters()}


def check_unchanged(model, before, what):
    for n, p in model.named_parameters():
        check(bool(torch.equal(p.detach(), before[n])), f"parameter {n} changed {what}")


def regression_batch(seed, n=64, d=8, k=2, target_scale=300.0):
    """Inputs and float16 targets of size ~target_scale: squared errors overflow float16 (max 65504)."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, d, generator=g).half()
    w = torch.randn(d, k, generator=g) / math.sqrt(d)
    y = (target_scale * torch.tanh(x.float() @ w) + 0.01 * target_scale * torch.randn(n, k, generator=g)).half()
    return x, y


def tiny_gradient_case():
    """A model whose first-layer gradients are ~1e-7: they flush to zero in a float16 backward without a loss scale."""
    model = HalfMLP(8, 16, 16, seed=5, out_scale=1e-3 * 4.0)
    g = torch.Generator().manual_seed(6)
    x = torch.randn(256, 8, generator=g).half()
    with torch.no_grad():
        y = (model.forward32(x) + 3e-3 * torch.randn(256, 16, generator=g)).half()
    return model, x, y


# ----------------------------------------------------------------------------- mse_loss


def run_mse(impl, pred, target):
    out = impl.mse_loss(pred, target)
    check(isinstance(out, torch.Tensor), f"mse_loss returned {type(out).__name__}; expected a torch.Tensor")
    check(out.dim() == 0, f"mse_loss returned shape {tuple(out.shape)}; expected a 0-d tensor")
    check(out.dtype in (torch.float32, torch.float64),
          f"mse_loss returned {out.dtype}; expected float32 (a float16 loss overflows above 65504)")
    return out


def test_mse_loss_worked_example(impl, fw):
    """The prompt's example: differences of 300 give 45000.0625, finite (in float16 the squares overflow 65504)."""
    pred = torch.tensor([[300.0, -200.0], [1.0, 2.0]], dtype=torch.float16)
    target = torch.tensor([[0.0, 100.0], [1.5, 2.0]], dtype=torch.float16)
    got = fw.to_numpy(run_mse(impl, pred, target), what="mse_loss")
    assert_close(got, np.array((300.0**2 + 300.0**2 + 0.25) / 4), what="mse_loss of the worked example")


def test_mse_loss_large_differences(impl, fw):
    """float16 predictions and targets up to +-1.5e4 apart by up to 3e4: the loss is finite and accurate."""
    rng = np.random.default_rng(0)
    pred = torch.tensor(rng.uniform(-1.5e4, 1.5e4, (32, 4)), dtype=torch.float16)
    target = torch.tensor(rng.uniform(-1.5e4, 1.5e4, (32, 4)), dtype=torch.float16)
    got = fw.to_numpy(run_mse(impl, pred, target), what="mse_loss")
    want = float(((pred.double() - target.double()) ** 2).mean())
    assert_finite(got, what="mse_loss for differences up to 3e4")
    assert_close(got, np.array(want), what="mse_loss for differences up to 3e4", **F16_TOL)


def test_mse_loss_small_differences(impl, fw):
    """Differences of ~1e-3 (squares ~1e-6, below float16's normal range) still give an accurate loss."""
    rng = np.random.default_rng(1)
    pred = torch.tensor(rng.uniform(-0.5, 0.5, (64, 8)), dtype=torch.float16)
    target = (pred.double() + torch.tensor(rng.normal(0.0, 1e-3, (64, 8)))).half()
    got = fw.to_numpy(run_mse(impl, pred, target), what="mse_loss")
    want = float(((pred.double() - target.double()) ** 2).mean())
    check(want > 0, "internal: the differences rounded to zero")
    assert_close(got, np.array(want), what="mse_loss for differences of ~1e-3", **F16_TOL)


def test_mse_loss_gradient(impl, fw):
    """mse_loss is differentiable: d loss / d pred = 2 (pred - target) / N, finite for differences in the thousands."""
    rng = np.random.default_rng(2)
    pred = torch.tensor(rng.uniform(-3e3, 3e3, (16, 4)), dtype=torch.float16, requires_grad=True)
    target = torch.tensor(rng.uniform(-3e3, 3e3, (16, 4)), dtype=torch.float16)
    loss = run_mse(impl, pred, target)
    check(loss.requires_grad, "mse_loss is not differentiable with respect to pred (detached?)")
    loss.backward()
    check(pred.grad is not None, "no gradient reached pred")
    got = fw.to_numpy(pred.grad, what="the gradient with respect to pred")
    assert_finite(got, what="the gradient with respect to pred")
    want = 2.0 * (pred.detach().double() - target.double()).numpy() / pred.numel()
    assert_close(got, want, what="the gradient with respect to pred", **F16_TOL)


# ----------------------------------------------------------------------------- update_scale


def test_update_scale_matches_gradscaler(impl, fw):
    """update_scale follows torch.amp.GradScaler's rule (its own update kernel) over a sequence of steps."""
    flags = [True, False, False, False, False, False, True, False, True, True] + [False] * 7 + [True, False, False, False]
    for interval in (3, 1, 5):
        state = new_state(1024.0, interval)
        scale = torch.tensor([1024.0])
        tracker = torch.tensor([0], dtype=torch.int32)
        for i, flag in enumerate(flags):
            impl.update_scale(state, flag)
            AMP_UPDATE_SCALE(scale, tracker, torch.tensor([1.0 if flag else 0.0]), 2.0, 0.5, interval)
            where = f"after call {i + 1} (found_inf = {flag}) with growth_interval = {interval}"
            check(isinstance(state.get("scale"), (int, float)) and not isinstance(state.get("scale"), bool),
                  f"state['scale'] is {type(state.get('scale')).__name__} {where}; expected a Python float")
            check(float(state["scale"]) == float(scale), f"state['scale'] is {state['scale']} {where}; expected {float(scale)}")
            check(state.get("good_steps") == int(tracker), f"state['good_steps'] is {state.get('good_steps')} {where}; expected {int(tracker)}")
            check(state.get("growth_interval") == interval, f"state['growth_interval'] changed {where}")


# ----------------------------------------------------------------------------- train_step


def test_overflowing_step_is_skipped(impl, fw):
    """Scaled gradients that overflow float16: the step is skipped (no parameter or optimizer change), the scale halves."""
    model = HalfMLP(8, 32, 2, seed=1)
    x, y = regression_batch(10, target_scale=1000.0)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    before = params_of(model)
    state = new_state(2.0**16, 2000)
    loss, stepped = step(impl, model, opt, x, y, state)
    check(not stepped, "stepped is True, but the scaled gradients overflow float16 at scale 65536 here: the step must be skipped")
    check_unchanged(model, before, "on a skipped step")
    check(all(len(opt.state[p]) == 0 for p in model.parameters()),
          "the optimizer's state changed on a skipped step: optimizer.step() must not run")
    check(state["scale"] == 2.0**15 and state["good_steps"] == 0,
          f"after an overflow the state is scale {state['scale']}, good_steps {state['good_steps']}; expected 32768.0 and 0")
    check(math.isfinite(loss), f"the returned loss is {loss}; the loss itself is finite (only the scaled gradients overflow)")
    assert_close(np.array(loss), np.array(loss_of(model, x, y)), what="the returned loss (unscaled)", **F16_TOL)


def test_clean_step_uses_unscaled_gradients(impl, fw):
    """A step without overflow is taken: each .grad holds the unscaled gradient (close to float32's) and SGD applied it."""
    model = HalfMLP(8, 32, 2, seed=2)
    x, y = regression_batch(11, target_scale=3.0)
    expected = float32_grads(model, x, y)
    before = params_of(model)
    lr = 0.1
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    state = new_state(2.0**10, 2000)
    loss, stepped = step(impl, model, opt, x, y, state)
    check(stepped, "stepped is False on a batch whose scaled gradients are finite")
    check(state["scale"] == 2.0**10 and state["good_steps"] == 1,
          f"after one clean step the state is scale {state['scale']}, good_steps {state['good_steps']}; expected 1024.0 and 1")
    assert_close(np.array(loss), np.array(loss_of_params(model, before, x, y)), what="the returned loss (unscaled, before the update)", **F16_TOL)
    for n, p in model.named_parameters():
        check(p.grad is not None, f"parameter {n} has no .grad after the step (keep the unscaled gradients, do not clear them)")
        g = fw.to_numpy(p.grad, what=f"{n}.grad")
        want = expected[n]
        assert_close(g, want, rtol=0, atol=2e-2 * float(np.abs(want).max()) + 1e-7, what=f"{n}.grad (unscaled) vs the float32 gradient")
        moved = (before[n].double() - p.detach().double()).numpy()
        assert_close(moved, lr * p.grad.double().numpy(), rtol=1e-5, atol=1e-7, what=f"the SGD update of {n} (lr * grad)")


def loss_of_params(model, params, x, y):
    m = copy.deepcopy(model)
    with torch.no_grad():
        for n, p in m.named_parameters():
            p.copy_(params[n])
    return loss_of(m, x, y)


def test_tiny_gradients_survive(impl, fw):
    """First-layer gradients of ~1e-7 flush to zero in float16 without a loss scale; with it they match float32."""
    model, x, y = tiny_gradient_case()
    expected = float32_grads(model, x, y)["fc1.weight"]
    opt = torch.optim.SGD(model.parameters(), lr=0.0)
    state = new_state(2.0**16, 2000)
    _, stepped = step(impl, model, opt, x, y, state)
    check(stepped, "stepped is False, but at scale 65536 these gradients do not overflow")
    grad = model.fc1.weight.grad
    check(grad is not None, "fc1.weight has no .grad after the step")
    got = fw.to_numpy(grad, what="fc1.weight.grad")
    zeros = float((got == 0).mean())
    check(zeros < 0.5, f"{zeros:.0%} of fc1.weight's gradient entries are exactly 0: they underflowed in float16 (is the loss scaled?)")
    assert_close(got, expected, rtol=0, atol=2e-2 * float(np.abs(expected).max()),
                 what="fc1.weight.grad (gradients ~1e-7) vs the float32 gradient")


def test_scale_grows_after_interval(impl, fw):
    """After growth_interval clean steps in a row the scale doubles and good_steps restarts from 0."""
    model = HalfMLP(8, 16, 2, seed=3)
    x, y = regression_batch(12, target_scale=2.0)
    opt = torch.optim.SGD(model.parameters(), lr=1e-3)
    state = new_state(256.0, 3)
    seen = []
    for _ in range(4):
        _, stepped = step(impl, model, opt, x, y, state)
        check(stepped, "a clean step (no overflow at scale 256-512) was skipped")
        seen.append((state["scale"], state["good_steps"]))
    check(seen == [(256.0, 1), (256.0, 2), (512.0, 0), (512.0, 1)],
          f"(scale, good_steps) after 4 clean steps with growth_interval 3 were {seen}; expected [(256, 1), (256, 2), (512, 0), (512, 1)]")


def test_nan_batch_is_skipped(impl, fw):
    """A batch with a nan input (nan loss and gradients) is skipped like an overflow: no update, scale halves."""
    model = HalfMLP(8, 16, 2, seed=4)
    x, y = regression_batch(13, target_scale=2.0)
    x = x.clone()
    x[3, 2] = float("nan")
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    before = params_of(model)
    state = new_state(8.0, 2000)
    _, stepped = step(impl, model, opt, x, y, state)
    check(not stepped, "stepped is True on a batch whose gradients are nan")
    check_unchanged(model, before, "on a batch with nan gradients")
    check(state["scale"] == 4.0 and state["good_steps"] == 0,
          f"after nan gradients the state is scale {state['scale']}, good_steps {state['good_steps']}; expected 4.0 and 0")


def test_inputs_not_modified(impl, fw):
    """train_step leaves x and y unchanged."""
    model = HalfMLP(8, 16, 2, seed=7)
    x, y = regression_batch(14, target_scale=5.0)
    x0, y0 = x.clone(), y.clone()
    step(impl, model, torch.optim.SGD(model.parameters(), lr=0.01), x, y, new_state(2.0**10))
    check(bool(torch.equal(x, x0)) and bool(torch.equal(y, y0)), "train_step modified x or y")


def test_training_matches_float32(impl, fw):
    """300 Adam steps on targets of size ~300: finite losses, few skipped steps, final loss close to the float32 run."""
    x, y = regression_batch(20, n=128, d=8, k=2, target_scale=300.0)
    model = HalfMLP(8, 32, 2, seed=8, out_mult=100.0)
    ref = copy.deepcopy(model)
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    ref_opt = torch.optim.Adam(ref.parameters(), lr=0.02)
    state = new_state(2.0**16, 25)
    losses, skipped = [], 0
    for _ in range(300):
        loss, stepped = step(impl, model, opt, x, y, state)
        losses.append(loss)
        skipped += not stepped
        ref_opt.zero_grad()
        ((ref.forward32(x) - y.float()) ** 2).mean().backward()
        ref_opt.step()
    values = np.array(losses)
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        fail(f"{bad.size} of 300 training losses are not finite; the first is losses[{bad[0]}] = {values[bad[0]]}")
    check(skipped <= 30, f"{skipped} of 300 steps were skipped; dynamic loss scaling should settle after a few")
    check(math.isfinite(state["scale"]) and state["scale"] >= 1.0, f"the loss scale ended at {state['scale']}")
    for n, p in model.named_parameters():
        assert_finite(fw.to_numpy(p, what=n), what=f"parameter {n} after training")
    final, ref_final = loss_of(model, x, y), loss_of(ref, x, y)
    first = values[:3].mean()
    check(final < 0.05 * first, f"the loss fell from {first:.4g} to only {final:.4g} in 300 steps")
    check(final <= 1.5 * ref_final + 1.0,
          f"the final loss is {final:.4g}; the same run in float32 reaches {ref_final:.4g}")
