"""Uses r = p(x) / q(x) with samples from p (Schulman's ratio without renaming the roles)."""
import numpy as np


def kl_categorical(logp, logq):
    support = logp > -np.inf
    diff = np.where(support, logp - np.where(support, logq, 0.0), 0.0)
    terms = np.where(support & (logq == -np.inf), np.inf, np.exp(logp) * diff)
    return np.sum(terms, axis=-1)


def kl_estimators(logp_x, logq_x):
    lr = logp_x - logq_x
    return -lr, 0.5 * lr * lr, np.expm1(lr) - lr
