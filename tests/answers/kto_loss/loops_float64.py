"""A loop over the examples in float64 with a hand-written stable sigmoid; z0 built under no_grad."""
import math

import torch


def _sigmoid(x):
    return 1.0 / (1.0 + torch.exp(-x)) if x >= 0 else torch.exp(x) / (1.0 + torch.exp(x))


def kto_loss(policy_logps, reference_logps, labels, policy_kl_logps, reference_kl_logps,
             beta=0.1, desirable_weight=1.0, undesirable_weight=1.0):
    if not beta > 0:
        raise ValueError("beta must be > 0")
    with torch.no_grad():
        kl = (policy_kl_logps.double() - reference_kl_logps.double()).sum() / policy_kl_logps.numel()
        z0 = torch.clamp(kl, min=0.0)
    total = torch.zeros((), dtype=torch.float64)
    for i in range(policy_logps.shape[0]):
        r = policy_logps[i].double() - reference_logps[i].double()
        if bool(labels[i]):
            total = total + desirable_weight * (1.0 - _sigmoid(beta * (r - z0)))
        else:
            total = total + undesirable_weight * (1.0 - _sigmoid(beta * (z0 - r)))
    dt = policy_logps.dtype
    return (total / policy_logps.shape[0]).to(dt), z0.to(dt)
