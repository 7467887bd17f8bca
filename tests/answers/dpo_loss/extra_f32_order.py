import torch
import torch.nn.functional as F


def dpo_loss(policy_chosen_logps, policy_rejected_logps, reference_chosen_logps, reference_rejected_logps, beta=0.1):
    rc = reference_chosen_logps.detach()
    rr = reference_rejected_logps.detach()
    x = beta * policy_chosen_logps - beta * rc - beta * policy_rejected_logps + beta * rr
    losses = F.softplus(-x)
    return [losses, (beta * policy_chosen_logps - beta * rc).detach(), (beta * policy_rejected_logps - beta * rr).detach()]
