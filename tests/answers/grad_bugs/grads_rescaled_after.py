"""Backpropagates the plain micro-batch losses and rescales the accumulated .grad by 1/accum_steps before stepping; groups with range()."""

import torch
import torch.nn.functional as F
from torch import nn


class Net(nn.Module):
    def __init__(self, d_in, hidden, n_classes):
        super().__init__()
        self.fc1 = nn.Linear(d_in, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.head = nn.Linear(hidden, n_classes)
        self.activation_norm = None

    def forward(self, x):
        h = torch.tanh(self.fc1(x))
        with torch.no_grad():
            self.activation_norm = h.norm().item()
        h = h + torch.tanh(self.fc2(h))
        return self.head(h)


def make_model(d_in, hidden, n_classes):
    return Net(d_in, hidden, n_classes)


def train(model, optimizer, micro_batches, accum_steps):
    losses = []
    for start in range(0, len(micro_batches), accum_steps):
        optimizer.zero_grad(set_to_none=True)
        total = 0.0
        for x, y in micro_batches[start:start + accum_steps]:
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            total += float(loss)
        for p in model.parameters():
            if p.grad is not None:
                p.grad.div_(accum_steps)
        optimizer.step()
        losses.append(total / accum_steps)
    return losses
