"""Fixes the loop but leaves the stray detach: the residual block reads a detached copy, so fc1 gets no gradient."""

import torch
import torch.nn.functional as F
from torch import nn


class Net(nn.Module):
    def __init__(self, d_in, hidden, n_classes):
        super().__init__()
        self.fc1 = nn.Linear(d_in, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.head = nn.Linear(hidden, n_classes)
        self.last_hidden = None

    def forward(self, x):
        h = torch.tanh(self.fc1(x))
        self.last_hidden = h.detach()
        h = self.last_hidden + torch.tanh(self.fc2(self.last_hidden))
        return self.head(h)


def make_model(d_in, hidden, n_classes):
    return Net(d_in, hidden, n_classes)


def train(model, optimizer, micro_batches, accum_steps):
    losses, running = [], 0.0
    optimizer.zero_grad()
    for i, (x, y) in enumerate(micro_batches):
        loss = F.cross_entropy(model(x), y)
        (loss / accum_steps).backward()
        running += loss.item()
        if (i + 1) % accum_steps == 0:
            optimizer.step()
            optimizer.zero_grad()
            losses.append(running / accum_steps)
            running = 0.0
    return losses
