"""1 - sigmoid(x) written as sigmoid(-x), z0 as the difference of the two means, clamp after detach."""
import torch
import torch.nn.functional as F


def kto_loss(policy_logps, reference_logps, labels, policy_kl_logps, reference_kl_logps,
             beta=0.1, desirable_weight=1.0, undesirable_weight=1.0):
    if beta <= 0:
        raise ValueError("beta must be positive")
    z0 = (policy_kl_logps.mean() - reference_kl_logps.mean()).detach().clamp(min=0)
    r = policy_logps - reference_logps
    x = beta * (r - z0)
    # 1 - sigmoid(x) = sigmoid(-x)
    desirable = desirable_weight * torch.sigmoid(-x)
    undesirable = undesirable_weight * torch.sigmoid(x)
    losses = torch.where(labels, desirable, undesirable)
    return losses.mean(), z0
