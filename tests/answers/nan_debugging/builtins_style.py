"""Alternative fix 1: lean on torch's stable built-ins."""
import torch
import torch.nn.functional as F
from torch import nn

BATCH_SIZE = 32
HIDDEN = 32
CONFIDENCE_PENALTY = 0.05


def standardize(x, ref=None):
    ref = x if ref is None else ref
    var, mean = torch.var_mean(ref, dim=0, correction=0)
    return (x - mean) / torch.sqrt(var + 1e-5)


def log_softmax(logits):
    return torch.log_softmax(logits, dim=-1)


def cross_entropy(logits, targets):
    return F.cross_entropy(logits, targets)


def entropy(logits):
    return -(torch.softmax(logits, dim=-1) * torch.log_softmax(logits, dim=-1)).sum(dim=-1)


def train(x, y, *, epochs, lr, seed):
    torch.manual_seed(seed)
    z = standardize(x)
    n_classes = int(y.max()) + 1
    model = nn.Sequential(nn.Linear(x.shape[1], HIDDEN), nn.Tanh(), nn.Linear(HIDDEN, n_classes))
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        for batch in torch.randperm(len(z)).split(BATCH_SIZE):
            logits = model(z[batch])
            loss = cross_entropy(logits, y[batch]) - CONFIDENCE_PENALTY * entropy(logits).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
    return model, losses

