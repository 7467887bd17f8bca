"""Alternative fix 4 (extra probe): torch.where on the quotient, p + eps inside the log."""
import torch
from torch import nn

BATCH_SIZE = 32
HIDDEN = 32
CONFIDENCE_PENALTY = 0.05


def standardize(x, ref=None):
    ref = x if ref is None else ref
    mean = ref.mean(dim=0)
    std = (ref - mean).pow(2).mean(dim=0).sqrt()
    return torch.where(std > 0, (x - mean) / std, torch.zeros_like(x))


def log_softmax(logits):
    m = logits.max(dim=-1, keepdim=True).values
    return logits - (m + torch.log(torch.exp(logits - m).sum(dim=-1, keepdim=True)))


def cross_entropy(logits, targets):
    onehot = torch.nn.functional.one_hot(targets, logits.shape[-1]).to(logits.dtype)
    return -(onehot * log_softmax(logits)).sum(-1).mean()


def entropy(logits):
    p = torch.softmax(logits, dim=-1)
    return -(p * torch.log(p + 1e-12)).sum(dim=-1)


def train(x, y, *, epochs, lr, seed):
    torch.manual_seed(seed)
    z = standardize(x)
    model = nn.Sequential(nn.Linear(x.shape[1], HIDDEN), nn.Tanh(), nn.Linear(HIDDEN, int(y.max()) + 1))
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        for batch in torch.randperm(len(z)).split(BATCH_SIZE):
            logits = model(z[batch])
            loss = cross_entropy(logits, y[batch]) - CONFIDENCE_PENALTY * entropy(logits).mean()
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()
            losses.append(float(loss))
    return model, losses
