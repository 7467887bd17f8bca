"""Detaches the policy log-probs too: the values are right but the loss has no gradient to train with."""
import torch.nn.functional as F


def dpo_loss(policy_chosen_logps, policy_rejected_logps, reference_chosen_logps, reference_rejected_logps, beta=0.1):
    chosen = (policy_chosen_logps - reference_chosen_logps).detach()
    rejected = (policy_rejected_logps - reference_rejected_logps).detach()
    losses = -F.logsigmoid(beta * (chosen - rejected))
    return losses, beta * chosen, beta * rejected
