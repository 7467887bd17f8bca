"""Reference: exact KL(p || q) between categorical distributions in log space, and Schulman's
k1 / k2 / k3 estimators (samples x ~ p, r = q(x) / p(x)), NumPy and PyTorch."""

import numpy as np


def kl_categorical(logp, logq):
    if isinstance(logp, np.ndarray):
        support = logp > -np.inf  # p(x) > 0
        # p = 0 terms are 0: -inf - (-inf) is never computed
        diff = np.where(support, logp - np.where(support, logq, 0.0), 0.0)
        terms = np.exp(logp) * diff
        # p > 0 and q = 0 is +inf, even when exp(log p) underflows to 0 (0 * inf would be nan)
        terms = np.where(support & (logq == -np.inf), np.inf, terms)
        return terms.sum(axis=-1)
    import torch

    support = logp > float("-inf")
    zeros = torch.zeros_like(logp)
    # Double where: the unused branch holds a finite value, so its gradient is 0, not nan.
    diff = torch.where(support, logp - torch.where(support, logq, zeros), zeros)
    terms = logp.exp() * diff
    terms = torch.where(support & (logq == float("-inf")), torch.full_like(terms, float("inf")), terms)
    return terms.sum(dim=-1)


def kl_estimators(logp_x, logq_x):
    log_r = logq_x - logp_x  # log q(x) - log p(x), samples from p
    expm1 = np.expm1 if isinstance(log_r, np.ndarray) else type(log_r).expm1
    k1 = -log_r
    k2 = 0.5 * log_r * log_r
    k3 = expm1(log_r) - log_r  # (r - 1) - log r; expm1 keeps k3 >= 0 when log r is tiny
    return k1, k2, k3
