"""Plain loops with Python floats: the zero rules as explicit branches, math.expm1 for k3."""
import math

import numpy as np


def kl_categorical(logp, logq):
    out = np.zeros(logp.shape[:-1], dtype=np.float64)
    for idx in np.ndindex(*out.shape):
        total = 0.0
        for lp, lq in zip(logp[idx].tolist(), logq[idx].tolist()):
            if lp == -math.inf:
                continue  # 0 log(0 / q) = 0
            if lq == -math.inf:
                total = math.inf  # p > 0, q = 0
                continue
            total += math.exp(lp) * (lp - lq)
        out[idx] = total
    return out


def kl_estimators(logp_x, logq_x):
    k1 = np.empty(logp_x.shape, dtype=np.float64)
    k2, k3 = np.empty_like(k1), np.empty_like(k1)
    for idx in np.ndindex(*logp_x.shape):
        lr = float(logq_x[idx]) - float(logp_x[idx])
        k1[idx] = -lr
        k2[idx] = 0.5 * lr * lr
        k3[idx] = math.inf if lr == -math.inf else math.expm1(lr) - lr
    return k1, k2, k3
