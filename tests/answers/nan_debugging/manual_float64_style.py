"""Alternative fix 3: statistics in float64, manual max trick, masked zero std, loops for losses."""
import torch
from torch import nn

BATCH_SIZE = 32
HIDDEN = 32
CONFIDENCE_PENALTY = 0.05


def standardize(x, ref=None):
    ref = x if ref is None else ref
    r = ref.to(torch.float64)
    mean = r.sum(dim=0) / r.shape[0]
    centred = r - mean
    std = torch.sqrt((centred * centred).sum(dim=0) / r.shape[0])
    safe = std.clone()
    safe[std == 0] = 1.0          # constant columns: (x - mean) is 0 there anyway
    out = (x.to(torch.float64) - mean) / safe
    return out.to(x.dtype)


def log_softmax(logits):
    m = torch.amax(logits, dim=-1, keepdim=True).detach()   # the shift cancels out; no gradient needed
    s = torch.exp(logits - m).sum(dim=-1, keepdim=True)
    return logits - m - torch.log(s)


def cross_entropy(logits, targets):
    lp = log_softmax(logits)
    picked = torch.stack([lp[i, t] for i, t in enumerate(targets.tolist())])
    return -picked.sum() / len(targets)


def entropy(logits):
    lp = log_softmax(logits)
    p = torch.softmax(logits, dim=-1)
    return -torch.einsum("...k,...k->...", p, lp)


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

