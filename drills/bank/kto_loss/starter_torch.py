import torch
import torch.nn.functional as F


def kto_loss(
    policy_logps,
    reference_logps,
    labels,
    policy_kl_logps,
    reference_kl_logps,
    beta=0.1,
    desirable_weight=1.0,
    undesirable_weight=1.0,
):
    """Mean KTO loss (Ethayarajh et al., 2024) and the reference point z0.

    policy_logps, reference_logps: (B,) summed log-probs of each labelled completion.
    labels: (B,) bool, True = desirable.
    policy_kl_logps, reference_kl_logps: (M,) summed log-probs of mismatched (prompt, completion) pairs.
    Returns (loss, z0): two 0-dim tensors; z0 = max(0, mean KL log-ratio), detached.
    """
    raise NotImplementedError("write the KTO loss here")
