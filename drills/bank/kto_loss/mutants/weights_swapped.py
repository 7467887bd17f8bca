"""Applies lambda_U to the desirable examples and lambda_D to the undesirable ones."""
import torch


def kto_loss(policy_logps, reference_logps, labels, policy_kl_logps, reference_kl_logps,
             beta=0.1, desirable_weight=1.0, undesirable_weight=1.0):
    if beta <= 0:
        raise ValueError("beta must be positive")
    z0 = (policy_kl_logps - reference_kl_logps).mean().clamp(min=0).detach()
    r = policy_logps - reference_logps
    d = undesirable_weight * (1 - torch.sigmoid(beta * (r - z0)))
    u = desirable_weight * (1 - torch.sigmoid(beta * (z0 - r)))
    return torch.where(labels, d, u).mean(), z0
