"""torch: both log-probs sanitised with where before exp/subtract, then a separate any(-inf) override to +inf per row."""
import torch


def kl_categorical(logp, logq):
    pos = logp > float("-inf")
    zero = torch.zeros((), dtype=logp.dtype)
    lp = torch.where(pos, logp, zero)
    lq = torch.where(pos & torch.isfinite(logq), logq, zero)
    terms = torch.where(pos, lp.exp() * (lp - lq), zero)
    kl = terms.sum(dim=-1)
    infinite = (pos & (logq == float("-inf"))).any(dim=-1)
    return torch.where(infinite, torch.full_like(kl, float("inf")), kl)


def kl_estimators(logp_x, logq_x):
    log_r = logq_x - logp_x
    k1 = -log_r
    k2 = log_r.pow(2) / 2
    k3 = torch.expm1(log_r) - log_r
    return k1, k2, k3
