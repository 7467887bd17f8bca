"""Divides by the sum of the weights (a weighted average) instead of by B."""
import torch


def kto_loss(policy_logps, reference_logps, labels, policy_kl_logps, reference_kl_logps,
             beta=0.1, desirable_weight=1.0, undesirable_weight=1.0):
    if beta <= 0:
        raise ValueError("beta must be positive")
    z0 = (policy_kl_logps - reference_kl_logps).mean().clamp(min=0).detach()
    r = policy_logps - reference_logps
    w = torch.where(labels, torch.full_like(r, desirable_weight), torch.full_like(r, undesirable_weight))
    d = 1 - torch.sigmoid(beta * (r - z0))
    u = 1 - torch.sigmoid(beta * (z0 - r))
    return (w * torch.where(labels, d, u)).sum() / w.sum(), z0
