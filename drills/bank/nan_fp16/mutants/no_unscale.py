"""Scales the loss but forgets to divide the gradients by the scale before optimizer.step()."""

import torch


def mse_loss(pred, target):
    diff = pred.float() - target.float()
    return (diff * diff).mean()


def update_scale(state, found_inf):
    if found_inf:
        state["scale"] *= 0.5
        state["good_steps"] = 0
    else:
        state["good_steps"] += 1
        if state["good_steps"] == state["growth_interval"]:
            state["scale"] *= 2.0
            state["good_steps"] = 0


def train_step(model, optimizer, x, y, state):
    optimizer.zero_grad()
    loss = mse_loss(model(x), y)
    (loss * state["scale"]).backward()
    grads = [p.grad for p in model.parameters() if p.grad is not None]
    found_inf = any(not bool(torch.isfinite(g).all()) for g in grads)
    if not found_inf:
        optimizer.step()
    update_scale(state, found_inf)
    return loss.item(), not found_inf
