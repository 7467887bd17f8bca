"""F.mse_loss on float32 copies; zero_grad keeping tensors; multiply by the inverse scale; one stacked finiteness check."""

import torch
import torch.nn.functional as F


def mse_loss(pred, target):
    return F.mse_loss(pred.to(torch.float32), target.to(torch.float32))


def update_scale(state, found_inf):
    if found_inf:
        state["scale"] = state["scale"] * 0.5
        state["good_steps"] = 0
        return
    state["good_steps"] = state["good_steps"] + 1
    if state["good_steps"] >= state["growth_interval"]:
        state["scale"] = state["scale"] * 2.0
        state["good_steps"] = 0


def train_step(model, optimizer, x, y, state):
    model.zero_grad(set_to_none=False)
    pred = model(x)
    loss = mse_loss(pred, y)
    loss.mul(state["scale"]).backward()
    grads = [p.grad for p in model.parameters() if p.grad is not None]
    finite = torch.stack([torch.isfinite(g).all() for g in grads]).all().item() if grads else True
    if finite:
        inv = 1.0 / state["scale"]
        for g in grads:
            g.mul_(inv)
        optimizer.step()
    update_scale(state, not finite)
    return float(loss.detach()), bool(finite)
