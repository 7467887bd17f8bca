import torch
import torch.nn.functional as F


def dpo_loss(
    policy_chosen_logps,
    policy_rejected_logps,
    reference_chosen_logps,
    reference_rejected_logps,
    beta=0.1,
):
    """Per-example DPO loss (Rafailov et al., 2023, Eq. 7) and the implicit rewards.

    Each input: (B,) summed log-probs of the chosen / rejected responses.
    Returns (losses, chosen_rewards, rejected_rewards), each (B,); the rewards are detached.
    """
    raise NotImplementedError("write the DPO loss here")
