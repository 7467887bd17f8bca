"""Clears with model.zero_grad(set_to_none=False) at the first micro-batch of each step; divides the loss with a multiply."""

import torch
import torch.nn.functional as F
from torch import nn


class Net(nn.Module):
    def __init__(self, d_in, hidden, n_classes):
        super().__init__()
        self.fc1 = nn.Linear(d_in, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.head = nn.Linear(hidden, n_classes)

    def forward(self, x):
        h = self.fc1(x).tanh()
        return self.head(h + self.fc2(h).tanh())


def make_model(d_in, hidden, n_classes):
    return Net(d_in, hidden, n_classes)


def train(model, optimizer, micro_batches, accum_steps):
    losses = []
    step_losses = []
    for i, (x, y) in enumerate(micro_batches):
        if i % accum_steps == 0:
            model.zero_grad(set_to_none=False)
            step_losses = []
        loss = F.cross_entropy(model(x), y)
        loss.mul(1.0 / accum_steps).backward()
        step_losses.append(loss.detach())
        if len(step_losses) == accum_steps:
            optimizer.step()
            losses.append(torch.stack(step_losses).mean().item())
    return losses
