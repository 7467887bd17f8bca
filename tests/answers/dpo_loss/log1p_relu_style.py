import torch


def dpo_loss(policy_chosen_logps, policy_rejected_logps, reference_chosen_logps, reference_rejected_logps, beta=0.1):
    chosen = beta * (policy_chosen_logps - reference_chosen_logps)
    rejected = beta * (policy_rejected_logps - reference_rejected_logps)
    x = chosen - rejected
    # -log sigmoid(x) = log(1 + e^-x) = max(-x, 0) + log(1 + e^-|x|)
    losses = torch.relu(-x) + torch.log1p(torch.exp(-torch.abs(x)))
    return losses, chosen.detach().clone(), rejected.detach().clone()
