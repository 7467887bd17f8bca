"""Goes back to probabilities and takes p * log(p / q): 0 * log 0 = nan for p = 0 or an underflowed p."""
import numpy as np


def kl_categorical(logp, logq):
    p, q = np.exp(logp), np.exp(logq)
    with np.errstate(all="ignore"):
        return np.sum(p * np.log(p / q), axis=-1)


def kl_estimators(logp_x, logq_x):
    lr = logq_x - logp_x
    return -lr, 0.5 * lr * lr, np.expm1(lr) - lr
