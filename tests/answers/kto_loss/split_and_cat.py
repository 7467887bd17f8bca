"""TRL's shape: split by label with boolean indexing, weight, concatenate, nanmean; sigmoid(-x) for 1 - sigmoid(x)."""
import torch
import torch.nn.functional as F


def kto_loss(policy_logps, reference_logps, labels, policy_kl_logps, reference_kl_logps,
             beta=0.1, desirable_weight=1.0, undesirable_weight=1.0):
    if beta <= 0:
        raise ValueError(f"invalid beta {beta}")
    kl = (policy_kl_logps.detach() - reference_kl_logps.detach()).mean()
    kl = torch.relu(kl)
    chosen = policy_logps[labels] - reference_logps[labels]
    rejected = policy_logps[~labels] - reference_logps[~labels]
    chosen_losses = torch.sigmoid(-beta * (chosen - kl))     # 1 - sigmoid(x) = sigmoid(-x)
    rejected_losses = torch.sigmoid(-beta * (kl - rejected))
    losses = torch.cat((desirable_weight * chosen_losses, undesirable_weight * rejected_losses), 0)
    return losses.nanmean(), kl
