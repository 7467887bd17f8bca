"""Loss in float64; overflow detected from the float32 sum of all gradient entries (inf and nan propagate); grads set to None by hand."""

import math

import torch


def mse_loss(pred, target):
    d = pred.double() - target.double()
    return torch.mean(torch.square(d))


def update_scale(state, found_inf):
    scale, good = state["scale"], state["good_steps"]
    if found_inf:
        scale, good = scale / 2.0, 0
    else:
        good += 1
        if good == state["growth_interval"]:
            scale, good = scale * 2.0, 0
    state.update(scale=float(scale), good_steps=good)


def train_step(model, optimizer, x, y, state):
    params = list(model.parameters())
    for p in params:
        p.grad = None
    loss = mse_loss(model(x), y)
    (loss * state["scale"]).backward()
    total = 0.0
    for p in params:
        if p.grad is not None:
            total += float(p.grad.float().sum())
    found_inf = not math.isfinite(total)
    if not found_inf:
        for p in params:
            if p.grad is not None:
                p.grad /= state["scale"]
        optimizer.step()
    update_scale(state, found_inf)
    return loss.item(), not found_inf
