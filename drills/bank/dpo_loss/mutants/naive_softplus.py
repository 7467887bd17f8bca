"""Writes softplus(-x) as log(1 + exp(-x)) without the max trick: exp(-x) overflows for large negative x."""
import torch


def dpo_loss(policy_chosen_logps, policy_rejected_logps, reference_chosen_logps, reference_rejected_logps, beta=0.1):
    chosen = policy_chosen_logps - reference_chosen_logps
    rejected = policy_rejected_logps - reference_rejected_logps
    losses = torch.log1p(torch.exp(-beta * (chosen - rejected)))
    return losses, beta * chosen.detach(), beta * rejected.detach()
