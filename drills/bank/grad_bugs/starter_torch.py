"""A colleague's training loop for a small classifier, with gradient accumulation to fit a larger
batch in memory. It runs without errors, but the loss curve looks wrong and part of the network
never changes. Find and fix the gradient bugs (see the prompt); keep the names and signatures."""

import torch
import torch.nn.functional as F
from torch import nn


class Net(nn.Module):
    """A small residual MLP classifier: fc1 -> tanh -> (+ tanh(fc2(.))) -> head."""

    def __init__(self, d_in, hidden, n_classes):
        super().__init__()
        self.fc1 = nn.Linear(d_in, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.head = nn.Linear(hidden, n_classes)
        self.last_hidden = None  # for logging activation norms

    def forward(self, x):
        h = torch.tanh(self.fc1(x))
        self.last_hidden = h.detach()  # keep a copy for the activation-norm logs
        h = self.last_hidden + torch.tanh(self.fc2(self.last_hidden))
        return self.head(h)


def make_model(d_in, hidden, n_classes):
    """The model to train."""
    return Net(d_in, hidden, n_classes)


def train(model, optimizer, micro_batches, accum_steps):
    """Train on micro_batches, a list of (x, y); every accum_steps consecutive micro-batches make one
    optimizer step. Returns the loss of each optimizer step (mean over its micro-batches)."""
    losses = []
    running = 0.0
    for i, (x, y) in enumerate(micro_batches):
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        running += loss.item()
        if (i + 1) % accum_steps == 0:
            optimizer.step()
            losses.append(running / accum_steps)
            running = 0.0
    return losses
