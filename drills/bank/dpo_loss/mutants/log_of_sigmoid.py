"""Computes log(sigmoid(x)) literally: sigmoid underflows to 0 for large negative x, so the loss is inf."""
import torch


def dpo_loss(policy_chosen_logps, policy_rejected_logps, reference_chosen_logps, reference_rejected_logps, beta=0.1):
    chosen = policy_chosen_logps - reference_chosen_logps
    rejected = policy_rejected_logps - reference_rejected_logps
    losses = -torch.log(torch.sigmoid(beta * (chosen - rejected)))
    return losses, beta * chosen.detach(), beta * rejected.detach()
