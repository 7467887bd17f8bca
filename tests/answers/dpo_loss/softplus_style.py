import torch
from torch.nn.functional import softplus


def dpo_loss(policy_chosen_logps, policy_rejected_logps, reference_chosen_logps, reference_rejected_logps, beta=0.1):
    # upcast to float64 for the arithmetic, return in the input dtype
    dt = policy_chosen_logps.dtype
    pc, pr, rc, rr = (t.to(torch.float64) for t in (policy_chosen_logps, policy_rejected_logps,
                                                      reference_chosen_logps, reference_rejected_logps))
    r_c = beta * pc - beta * rc
    r_r = beta * pr - beta * rr
    losses = softplus(-(r_c - r_r)).to(dt)
    return losses, r_c.detach().to(dt), r_r.detach().to(dt)
