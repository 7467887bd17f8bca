"""Computes in float32 whatever the inputs' dtype: float64 inputs get a float32 loss and z0."""

import torch


def kto_loss(
    policy_logps,
    reference_logps,
    labels,
    policy_kl_logps,
    reference_kl_logps,
    beta=0.1,
    desirable_weight=1.0,
    undesirable_weight=1.0,
):
    if beta <= 0:
        raise ValueError(f"beta must be positive, got {beta}")
    # Reference point z0: KL(pi || pi_ref) estimated on mismatched (prompt, completion) pairs,
    # clamped at 0 and treated as a constant (no gradient flows through it).
    z0 = (policy_kl_logps - reference_kl_logps).mean().clamp(min=0).detach()
    z0 = z0.float()
    rewards = policy_logps.float() - reference_logps.float()  # r = log pi(y|x) / pi_ref(y|x) of each labelled completion
    desirable = desirable_weight * (1 - torch.sigmoid(beta * (rewards - z0)))
    undesirable = undesirable_weight * (1 - torch.sigmoid(beta * (z0 - rewards)))
    losses = torch.where(labels, desirable, undesirable)
    return losses.mean(), z0  # mean over all B examples, whatever their label
