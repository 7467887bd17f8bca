"""Hidden suite for `grad_bugs` (torch only).

The user's model (from make_model) is moved to float64 and loaded with the suite's parameters; the
reference is a correct copy of the architecture trained here on the full batch of each step (one
backward of the mean loss, fresh gradients each step). Updates are compared through the parameters
(so any honest place for zero_grad works), and the gradients through autograd.
"""

import copy
import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from postprep.drills.harness import assert_close, check, fail

# The first optimizer built imports torch._dynamo (seconds on a busy machine): pay that at collection.
torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)

D_IN, HIDDEN, CLASSES = 6, 16, 3
NAMES = ("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "head.weight", "head.bias")
TOL = {"rtol": 1e-6, "atol": 1e-9}


class RefNet(nn.Module):
    """The architecture of the prompt, with gradients flowing everywhere."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(D_IN, HIDDEN)
        self.fc2 = nn.Linear(HIDDEN, HIDDEN)
        self.head = nn.Linear(HIDDEN, CLASSES)

    def forward(self, x):
        h = torch.tanh(self.fc1(x))
        h = h + torch.tanh(self.fc2(h))
        return self.head(h)


def reference_model(seed):
    torch.manual_seed(seed)
    return RefNet().double()


def user_model(impl, ref):
    """The user's model in float64 with the reference's parameters."""
    model = impl.make_model(D_IN, HIDDEN, CLASSES)
    check(isinstance(model, nn.Module), f"make_model returned {type(model).__name__}; expected a torch.nn.Module")
    model = model.double()
    names = sorted(n for n, _ in model.named_parameters())
    check(names == sorted(NAMES), f"the model's parameters are {names}; expected {sorted(NAMES)} (keep the architecture and names)")
    model.load_state_dict(ref.state_dict())
    return model


def make_data(seed, n):
    """Three classes around a circle in the first two coordinates, plus noise coordinates."""
    g = torch.Generator().manual_seed(seed)
    y = torch.randint(0, CLASSES, (n,), generator=g)
    angle = 2 * math.pi * y.double() / CLASSES
    x = 0.5 * torch.randn(n, D_IN, generator=g, dtype=torch.float64)
    x[:, 0] += 2.0 * torch.cos(angle)
    x[:, 1] += 2.0 * torch.sin(angle)
    return x, y


def micro_batches(seed, steps, accum, size):
    x, y = make_data(seed, steps * accum * size)
    return [(x[i * size:(i + 1) * size], y[i * size:(i + 1) * size]) for i in range(steps * accum)]


def reference_train(ref, make_opt, batches, accum):
    """The intended result: per step, one backward of the mean loss over the step's examples."""
    opt = make_opt(ref.parameters())
    losses = []
    for s in range(len(batches) // accum):
        group = batches[s * accum:(s + 1) * accum]
        x = torch.cat([b[0] for b in group])
        y = torch.cat([b[1] for b in group])
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(ref(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def run_train(impl, model, optimizer, batches, accum):
    given = [(x.clone(), y.clone()) for x, y in batches]
    losses = impl.train(model, optimizer, given, accum)
    check(isinstance(losses, (list, tuple)), f"train returned {type(losses).__name__}; expected a list of per-step losses")
    values = []
    for i, v in enumerate(losses):
        try:
            values.append(float(v))
        except (TypeError, ValueError):
            fail(f"losses[{i}] is {type(v).__name__}, not a number")
    return np.array(values)


def params(model):
    return {n: p.detach().clone() for n, p in model.named_parameters()}


def compare_params(model, ref, what):
    got = dict(model.named_parameters())
    for n, p in ref.named_parameters():
        assert_close(got[n].detach().numpy(), p.detach().numpy(), what=f"{n} {what}", **TOL)


def test_forward_unchanged(impl, fw):
    """The model computes the prompt's function: head(h + tanh(fc2(h))) with h = tanh(fc1(x))."""
    ref = reference_model(0)
    model = user_model(impl, ref)
    x, _ = make_data(1, 20)
    with torch.no_grad():
        got, want = model(x), ref(x)
    check(tuple(got.shape) == (20, CLASSES), f"the model's output has shape {tuple(got.shape)}; expected (20, {CLASSES})")
    assert_close(got.numpy(), want.numpy(), what="the model's logits")


def test_every_parameter_gets_gradient(impl, fw):
    """loss.backward() on the model reaches every parameter with a non-zero gradient."""
    ref = reference_model(1)
    model = user_model(impl, ref)
    x, y = make_data(2, 32)
    F.cross_entropy(model(x), y).backward()
    for n, p in model.named_parameters():
        check(p.grad is not None, f"{n} received no gradient from loss.backward() (is part of the forward detached?)")
        check(bool(p.grad.abs().sum() > 0), f"{n}'s gradient is all zeros (is part of the forward detached?)")


def test_model_gradients_match_autograd(impl, fw):
    """The model's gradients equal those of the same function with no detached part."""
    ref = reference_model(2)
    model = user_model(impl, ref)
    x, y = make_data(3, 32)
    F.cross_entropy(model(x), y).backward()
    F.cross_entropy(ref(x), y).backward()
    got = dict(model.named_parameters())
    for n, p in ref.named_parameters():
        check(got[n].grad is not None, f"{n} received no gradient")
        assert_close(got[n].grad.numpy(), p.grad.numpy(), what=f"the gradient of {n}", **TOL)


def test_one_step_update(impl, fw):
    """One SGD step with 4 micro-batches: the update is -lr times the gradient of the mean loss over all 32 examples."""
    ref = reference_model(3)
    model = user_model(impl, ref)
    batches = micro_batches(4, steps=1, accum=4, size=8)
    before = params(model)
    lr = 0.5
    losses = run_train(impl, model, torch.optim.SGD(model.parameters(), lr=lr), batches, 4)
    ref_before = params(ref)
    reference_train(ref, lambda ps: torch.optim.SGD(ps, lr=lr), batches, 4)
    after = dict(model.named_parameters())
    for n, p in ref.named_parameters():
        got = ((before[n] - after[n].detach()) / lr).numpy()
        want = ((ref_before[n] - p.detach()) / lr).numpy()
        check(bool(np.abs(got).sum() > 0), f"{n} did not move in the optimizer step: no gradient reached it")
        assert_close(got, want, what=f"the gradient applied to {n} (its change / -lr)", **TOL)
    check(len(losses) == 1, f"train returned {len(losses)} losses for 4 micro-batches with accum_steps 4; expected 1")


def test_several_steps_start_from_clean_gradients(impl, fw):
    """Three SGD steps: each step applies only its own micro-batches' gradient (nothing left over from earlier steps)."""
    ref = reference_model(4)
    model = user_model(impl, ref)
    batches = micro_batches(5, steps=3, accum=2, size=8)
    run_train(impl, model, torch.optim.SGD(model.parameters(), lr=0.3), batches, 2)
    reference_train(ref, lambda ps: torch.optim.SGD(ps, lr=0.3), batches, 2)
    compare_params(model, ref, "after 3 SGD steps of 2 micro-batches")


def test_momentum_and_adam_match_reference(impl, fw):
    """SGD with momentum and Adam, 4 steps of 3 micro-batches: the parameters match the full-batch reference."""
    batches = micro_batches(6, steps=4, accum=3, size=6)
    for name, make_opt in (("SGD(momentum=0.9)", lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9)),
                           ("Adam", lambda ps: torch.optim.Adam(ps, lr=0.01))):
        ref = reference_model(5)
        model = user_model(impl, ref)
        run_train(impl, model, make_opt(model.parameters()), batches, 3)
        reference_train(ref, make_opt, batches, 3)
        compare_params(model, ref, f"after 4 steps with {name}")


def test_accumulation_equals_one_big_batch(impl, fw):
    """4 micro-batches of 8 with accum_steps 4 give the same step as 1 batch of 32 with accum_steps 1."""
    ref = reference_model(6)
    a, b = user_model(impl, ref), user_model(impl, ref)
    batches = micro_batches(7, steps=1, accum=4, size=8)
    big = [(torch.cat([x for x, _ in batches]), torch.cat([y for _, y in batches]))]
    la = run_train(impl, a, torch.optim.SGD(a.parameters(), lr=1.0), batches, 4)
    lb = run_train(impl, b, torch.optim.SGD(b.parameters(), lr=1.0), big, 1)
    compare_params(a, b, "after 4 accumulated micro-batches (vs one batch of all 32 examples)")
    assert_close(la, lb, what="the step's loss with 4 micro-batches (vs one batch)", **TOL)


def test_returned_losses(impl, fw):
    """train returns one loss per optimizer step: the mean loss over that step's micro-batches, before the update."""
    ref = reference_model(7)
    model = user_model(impl, ref)
    batches = micro_batches(8, steps=5, accum=4, size=4)
    got = run_train(impl, model, torch.optim.SGD(model.parameters(), lr=0.2), batches, 4)
    want = reference_train(ref, lambda ps: torch.optim.SGD(ps, lr=0.2), batches, 4)
    check(got.shape == (5,), f"train returned {got.size} losses for 20 micro-batches with accum_steps 4; expected 5, one per optimizer step")
    assert_close(got, np.array(want), what="the per-step losses", **TOL)


def test_float64_inputs_keep_float64_precision(impl, fw):
    """The float64 model trains in float64: one step's update and its returned loss match to ~1e-10, not float32's ~1e-7."""
    ref = reference_model(11)
    model = user_model(impl, ref)
    batches = micro_batches(12, steps=1, accum=4, size=8)
    before = params(model)
    losses = run_train(impl, model, torch.optim.SGD(model.parameters(), lr=1.0), batches, 4)
    ref_before = params(ref)
    want_losses = reference_train(ref, lambda ps: torch.optim.SGD(ps, lr=1.0), batches, 4)
    hint = "(a float32 step, e.g. the logits cast with .float() for the loss or a torch.zeros running sum, is off by about 1e-7)"
    check(len(losses) == 1, f"train returned {len(losses)} losses for 4 micro-batches with accum_steps 4; expected 1")
    after = dict(model.named_parameters())
    for n, p in ref.named_parameters():
        got = (before[n] - after[n].detach()).numpy()
        want = (ref_before[n] - p.detach()).numpy()
        assert_close(got, want, rtol=1e-10, atol=1e-13, what=f"the float64 gradient applied to {n} {hint}")
    assert_close(losses, np.array(want_losses), rtol=1e-10, atol=0, what=f"the float64 loss returned for the step {hint}")

def test_inputs_not_modified(impl, fw):
    """train leaves the micro-batches unchanged."""
    ref = reference_model(8)
    model = user_model(impl, ref)
    batches = micro_batches(9, steps=2, accum=2, size=8)
    given = [(x.clone(), y.clone()) for x, y in batches]
    impl.train(model, torch.optim.SGD(model.parameters(), lr=0.1), given, 2)
    for i, ((x, y), (x0, y0)) in enumerate(zip(given, batches)):
        check(bool(torch.equal(x, x0)) and bool(torch.equal(y, y0)), f"micro-batch {i} was modified by train")


def test_learning_curve(impl, fw):
    """60 SGD steps of 4 micro-batches: the loss falls from ~1.1 to under 0.25, close to the reference run."""
    ref = reference_model(9)
    model = user_model(impl, ref)
    x, y = make_data(10, 192)
    batches = [(x[i:i + 8], y[i:i + 8]) for i in range(0, 192, 8)] * 10  # 240 micro-batches, 60 steps
    got = run_train(impl, model, torch.optim.SGD(model.parameters(), lr=0.5), batches, 4)
    want = np.array(reference_train(ref, lambda ps: torch.optim.SGD(ps, lr=0.5), batches, 4))
    check(got.size == 60, f"train returned {got.size} losses for 60 optimizer steps")
    check(bool(np.isfinite(got).all()), "some training losses are not finite")
    first, last = got[:3].mean(), got[-6:].mean()
    check(last < 0.25, f"the loss fell from {first:.3g} to only {last:.3g} (the fixed loop reaches {want[-6:].mean():.3g})")
    assert_close(got, want, rtol=1e-5, atol=1e-7, what="the learning curve (per-step losses)")
