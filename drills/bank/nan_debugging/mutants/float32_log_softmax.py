"""log_softmax computes in float32 (logits.float(), the usual upcast, then cast back), so float64 logits get float32 accuracy in log_softmax, cross_entropy and entropy."""

import torch
from torch import nn

BATCH_SIZE = 32
HIDDEN = 32
CONFIDENCE_PENALTY = 0.05  # weight of the entropy bonus (Pereyra et al., 2017)


def standardize(x, ref=None):
    """Z-score each column of x with the mean and (population) std of the columns of ref (default: x)."""
    ref = x if ref is None else ref
    mean = ref.mean(dim=0)
    # Fix 1: two-pass variance (centre first, then square). The one-pass E[x^2] - E[x]^2 subtracts
    # two numbers near 1e8 in float32, whose rounding error (~8) swamps a variance of ~1.
    var = ((ref - mean) ** 2).mean(dim=0)
    std = var.sqrt()
    # Fix 2: a constant column has std 0; divide it by 1 instead, so it maps to 0 rather than 0/0.
    std = torch.where(std > 0, std, torch.ones_like(std))
    return (x - mean) / std


def log_softmax(logits):
    """Log of the softmax over the last axis."""
    # Fix 3: never form exp(logits) or log(probabilities). Subtract the row maximum (exp of the
    # shifted logits is at most 1, so no overflow) and stay in log space:
    # log_softmax(x) = (x - m) - log(sum(exp(x - m))); the sum is >= 1, so its log is finite.
    x = logits.float()  # "upcast" for stability, as model code does; a downcast for float64 input
    shifted = x - x.max(dim=-1, keepdim=True).values
    return (shifted - shifted.exp().sum(dim=-1, keepdim=True).log()).to(logits.dtype)


def cross_entropy(logits, targets):
    """Mean negative log-likelihood of the integer targets (n,) under softmax(logits) (n, k)."""
    logp = log_softmax(logits)
    return -logp[torch.arange(len(targets)), targets].mean()


def entropy(logits):
    """Entropy in nats of softmax(logits) over the last axis: one value per row."""
    # Fix 4: take the log-probabilities from the stable log_softmax instead of log(softmax):
    # where a probability underflows to 0 its log-probability is still finite, so p * log p is
    # 0 * finite = 0, and the gradient is finite too (torch.where(p > 0, p * p.log(), 0) is not:
    # its backward still multiplies 0 by log(0) = -inf).
    logp = log_softmax(logits)
    return -(logp.exp() * logp).sum(dim=-1)


def train(x, y, *, epochs, lr, seed):
    """Train a one-hidden-layer MLP on standardize(x) with Adam.

    Returns (model, losses): model maps standardized features to logits; losses has one float per step.
    """
    torch.manual_seed(seed)
    z = standardize(x)
    n_classes = int(y.max()) + 1
    model = nn.Sequential(nn.Linear(x.shape[1], HIDDEN), nn.Tanh(), nn.Linear(HIDDEN, n_classes))
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        for batch in torch.randperm(len(z)).split(BATCH_SIZE):
            logits = model(z[batch])
            # cross-entropy minus a small entropy bonus, which discourages over-confident outputs
            loss = cross_entropy(logits, y[batch]) - CONFIDENCE_PENALTY * entropy(logits).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
    return model, losses
