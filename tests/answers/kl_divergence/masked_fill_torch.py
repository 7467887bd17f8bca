"""torch: masked_fill zeroes the p = 0 terms (forward and gradient), torch.special.expm1 for k3."""
import torch


def kl_categorical(logp, logq):
    zero_p = torch.isneginf(logp)
    diff = (logp - logq).masked_fill(zero_p, 0.0)
    terms = (logp.exp() * diff).masked_fill(~zero_p & torch.isneginf(logq), float("inf"))
    return terms.sum(-1)


def kl_estimators(logp_x, logq_x):
    log_r = logq_x - logp_x
    return -log_r, 0.5 * log_r.pow(2), torch.special.expm1(log_r) - log_r
