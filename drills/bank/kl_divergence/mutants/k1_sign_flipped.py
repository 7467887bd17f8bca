"""Returns k1 = log r instead of -log r (an estimate of -KL)."""
import numpy as np


def kl_categorical(logp, logq):
    support = logp > -np.inf
    diff = np.where(support, logp - np.where(support, logq, 0.0), 0.0)
    terms = np.where(support & (logq == -np.inf), np.inf, np.exp(logp) * diff)
    return np.sum(terms, axis=-1)


def kl_estimators(logp_x, logq_x):
    lr = logq_x - logp_x
    return lr, 0.5 * lr * lr, np.expm1(lr) - lr
