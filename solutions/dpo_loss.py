"""Reference: the DPO loss (Rafailov et al., 2023, Eq. 7), PyTorch; TRL's "sigmoid" loss."""

import torch.nn.functional as F


def dpo_loss(
    policy_chosen_logps,
    policy_rejected_logps,
    reference_chosen_logps,
    reference_rejected_logps,
    beta=0.1,
):
    chosen_logratios = policy_chosen_logps - reference_chosen_logps  # log pi(y_w|x) / pi_ref(y_w|x)
    rejected_logratios = policy_rejected_logps - reference_rejected_logps  # log pi(y_l|x) / pi_ref(y_l|x)
    margins = chosen_logratios - rejected_logratios
    # -log sigmoid(x) computed stably (never log(sigmoid(x)), which is log(0) = -inf for x << 0)
    losses = -F.logsigmoid(beta * margins)  # per example: the caller reduces
    chosen_rewards = beta * chosen_logratios.detach()  # implicit rewards, for logging only
    rejected_rewards = beta * rejected_logratios.detach()
    return losses, chosen_rewards, rejected_rewards
