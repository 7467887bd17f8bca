"""Upcasts the log-probabilities with .float() (as training code does for bfloat16 logps), for float64 inputs too, then casts back: float32 accuracy in float64 losses and rewards."""
import torch.nn.functional as F


def dpo_loss(policy_chosen_logps, policy_rejected_logps, reference_chosen_logps, reference_rejected_logps, beta=0.1):
    dt = policy_chosen_logps.dtype
    pc, pr, rc, rr = (t.float() for t in (policy_chosen_logps, policy_rejected_logps, reference_chosen_logps, reference_rejected_logps))
    chosen_logratios = pc - rc
    rejected_logratios = pr - rr
    losses = -F.logsigmoid(beta * (chosen_logratios - rejected_logratios))
    return losses.to(dt), (beta * chosen_logratios.detach()).to(dt), (beta * rejected_logratios.detach()).to(dt)
