"""torch: float64 arithmetic, torch.square, ones for missing lengths, sum / B, cast back to the input dtype."""
import torch


def ipo_loss(policy_chosen_logps, policy_rejected_logps, reference_chosen_logps, reference_rejected_logps,
             chosen_lengths=None, rejected_lengths=None, beta=0.1):
    if beta <= 0:
        raise ValueError("beta must be positive")
    if (chosen_lengths is None) != (rejected_lengths is None):
        raise ValueError("need both lengths")
    dt = policy_chosen_logps.dtype
    pc, pr, rc, rr = (t.double() for t in (policy_chosen_logps, policy_rejected_logps,
                                           reference_chosen_logps, reference_rejected_logps))
    if chosen_lengths is None:
        chosen_lengths = torch.ones_like(pc)
        rejected_lengths = torch.ones_like(pr)
    h = (pc - rc) / chosen_lengths.double() - (pr - rr) / rejected_lengths.double()
    per_pair = torch.square(h - 1 / (2 * beta))
    return (per_pair.sum() / pc.shape[0]).to(dt)
