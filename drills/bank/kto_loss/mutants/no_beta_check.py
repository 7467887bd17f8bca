"""The right loss, but beta <= 0 is accepted silently."""
import torch


def kto_loss(policy_logps, reference_logps, labels, policy_kl_logps, reference_kl_logps,
             beta=0.1, desirable_weight=1.0, undesirable_weight=1.0):
    return _loss(policy_logps, reference_logps, labels, policy_kl_logps, reference_kl_logps, beta, desirable_weight, undesirable_weight)


def _loss(policy_logps, reference_logps, labels, policy_kl_logps, reference_kl_logps, beta, wd, wu):
    z0 = (policy_kl_logps - reference_kl_logps).mean().clamp(min=0).detach()
    r = policy_logps - reference_logps
    return torch.where(labels, wd * torch.sigmoid(beta * (z0 - r)), wu * torch.sigmoid(beta * (r - z0))).mean(), z0
