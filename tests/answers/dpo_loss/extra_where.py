import torch


def dpo_loss(policy_chosen_logps, policy_rejected_logps, reference_chosen_logps, reference_rejected_logps, beta=0.1):
    margin = (policy_chosen_logps - policy_rejected_logps) - (reference_chosen_logps - reference_rejected_logps)
    z = beta * margin
    # logaddexp(0, -z)
    losses = torch.logaddexp(torch.zeros_like(z), -z)
    cr = beta * (policy_chosen_logps - reference_chosen_logps)
    rj = beta * (policy_rejected_logps - reference_rejected_logps)
    return losses, cr.detach(), rj.detach()
