"""Forgets the reference model: the margin uses the policy log-probs only."""
import torch.nn.functional as F


def dpo_loss(policy_chosen_logps, policy_rejected_logps, reference_chosen_logps, reference_rejected_logps, beta=0.1):
    losses = -F.logsigmoid(beta * (policy_chosen_logps - policy_rejected_logps))
    chosen = beta * (policy_chosen_logps - reference_chosen_logps).detach()
    rejected = beta * (policy_rejected_logps - reference_rejected_logps).detach()
    return losses, chosen, rejected
