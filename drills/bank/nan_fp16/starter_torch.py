"""A colleague's half-precision training step for a small regression model. The model keeps float32
parameters and runs its forward pass in float16 (like autocast). The loss is inf from the first
batch, and on data with small errors some layers never learn. Fix it (see the prompt): keep the
three function names and signatures."""

import torch


def mse_loss(pred, target):
    """Mean squared error over all entries of pred and target (float16, same shape): a float32 0-d tensor."""
    return ((pred - target) ** 2).mean().float()


def update_scale(state, found_inf):
    """Update state["scale"] and state["good_steps"] in place after a step (torch.amp.GradScaler's rules)."""
    # TODO(colleague): dynamic loss scaling. For now the scale never changes.
    pass


def train_step(model, optimizer, x, y, state):
    """One training step on the batch (x, y). Returns (loss, stepped): the loss as a float, and
    whether optimizer.step() ran."""
    optimizer.zero_grad()
    loss = mse_loss(model(x), y)
    loss.backward()
    optimizer.step()
    return loss.item(), True
