"""Flips the sign of the margin: rewards the policy for preferring the rejected answer."""
import torch.nn.functional as F


def dpo_loss(policy_chosen_logps, policy_rejected_logps, reference_chosen_logps, reference_rejected_logps, beta=0.1):
    chosen = policy_chosen_logps - reference_chosen_logps
    rejected = policy_rejected_logps - reference_rejected_logps
    losses = -F.logsigmoid(beta * (rejected - chosen))
    return losses, beta * chosen.detach(), beta * rejected.detach()
