"""Computes KL(q || p) instead of KL(p || q): the expectation is taken under q."""
import numpy as np


def kl_categorical(logp, logq):
    support = logq > -np.inf
    diff = np.where(support, logq - np.where(support, logp, 0.0), 0.0)
    terms = np.where(support & (logp == -np.inf), np.inf, np.exp(logq) * diff)
    return np.sum(terms, axis=-1)


def kl_estimators(logp_x, logq_x):
    lr = logq_x - logp_x
    return -lr, 0.5 * lr * lr, np.expm1(lr) - lr
