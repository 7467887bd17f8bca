"""Accumulates the logged losses in torch.zeros(()) (float32 by default): for the float64 model the returned per-step losses are rounded to float32."""

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
        self.last_hidden = h.detach()  # logging only: the computation below uses h itself
        h = h + torch.tanh(self.fc2(h))
        return self.head(h)


def make_model(d_in, hidden, n_classes):
    return Net(d_in, hidden, n_classes)


def train(model, optimizer, micro_batches, accum_steps):
    losses = []
    running = torch.zeros(())  # float32 by default
    optimizer.zero_grad(set_to_none=True)
    for i, (x, y) in enumerate(micro_batches):
        loss = F.cross_entropy(model(x), y)
        (loss / accum_steps).backward()  # gradients add up to those of the mean over the step
        running += loss.detach()
        if (i + 1) % accum_steps == 0:
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)  # the next step starts from clean gradients
            losses.append((running / accum_steps).item())
            running = torch.zeros(())  # float32 by default
    return losses
