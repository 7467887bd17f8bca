"""Uses the sigmoid itself instead of its log: -sigmoid(beta * margin)."""
import torch


def dpo_loss(policy_chosen_logps, policy_rejected_logps, reference_chosen_logps, reference_rejected_logps, beta=0.1):
    chosen = policy_chosen_logps - reference_chosen_logps
    rejected = policy_rejected_logps - reference_rejected_logps
    losses = -torch.sigmoid(beta * (chosen - rejected))
    return losses, beta * chosen.detach(), beta * rejected.detach()
