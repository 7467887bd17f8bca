"""Alternative fix 2: logsumexp, std + eps, and a clamped log inside the entropy."""
import torch
from torch import nn

BATCH_SIZE = 32
HIDDEN = 32
CONFIDENCE_PENALTY = 0.05


def standardize(x, ref=None):
    if ref is None:
        ref = x
    mean = ref.mean(0, keepdim=True)
    std = ref.std(0, correction=0, keepdim=True)
    return (x - mean) / (std + 1e-5)


def log_softmax(logits):
    return logits - torch.logsumexp(logits, dim=-1, keepdim=True)


def cross_entropy(logits, targets):
    nll = -log_softmax(logits).gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    return nll.mean()


def entropy(logits):
    p = torch.softmax(logits, dim=-1)
    tiny = torch.finfo(p.dtype).tiny
    return -(p * torch.log(p.clamp_min(tiny))).sum(dim=-1)


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

