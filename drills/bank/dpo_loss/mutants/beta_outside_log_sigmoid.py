"""Applies beta outside the log-sigmoid: beta * -log sigmoid(margin) instead of -log sigmoid(beta * margin)."""
import torch.nn.functional as F


def dpo_loss(policy_chosen_logps, policy_rejected_logps, reference_chosen_logps, reference_rejected_logps, beta=0.1):
    chosen = policy_chosen_logps - reference_chosen_logps
    rejected = policy_rejected_logps - reference_rejected_logps
    losses = beta * -F.logsigmoid(chosen - rejected)
    return losses, beta * chosen.detach(), beta * rejected.detach()
