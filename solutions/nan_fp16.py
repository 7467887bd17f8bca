"""Reference: a half-precision training step made safe. The loss is computed in float32 (squares of
float16 differences overflow above 256), and loss scaling (Micikevicius et al., 2018), made dynamic
with torch.amp.GradScaler's rules, keeps small float16 gradients from flushing to zero."""

import torch

GROWTH_FACTOR = 2.0
BACKOFF_FACTOR = 0.5


def mse_loss(pred, target):
    """Mean squared error over all entries, computed in float32: a float32 0-d tensor."""
    diff = pred.float() - target.float()  # upcast first: (300)^2 = 9e4 > 65504, the float16 maximum
    return (diff * diff).mean()


def update_scale(state, found_inf):
    """GradScaler.update: back off and reset on overflow, grow after growth_interval clean steps in a row."""
    if found_inf:
        state["scale"] *= BACKOFF_FACTOR
        state["good_steps"] = 0
    else:
        state["good_steps"] += 1
        if state["good_steps"] == state["growth_interval"]:
            state["scale"] *= GROWTH_FACTOR
            state["good_steps"] = 0


def train_step(model, optimizer, x, y, state):
    optimizer.zero_grad(set_to_none=True)
    loss = mse_loss(model(x), y)
    scale = state["scale"]
    (loss * scale).backward()  # scaled gradients survive the float16 backward pass
    grads = [p.grad for p in model.parameters() if p.grad is not None]
    found_inf = not all(bool(torch.isfinite(g).all()) for g in grads)
    if not found_inf:
        for g in grads:
            g.div_(scale)  # unscale in float32 (the parameters' dtype) before the update
        optimizer.step()
    update_scale(state, found_inf)
    return loss.item(), not found_inf
