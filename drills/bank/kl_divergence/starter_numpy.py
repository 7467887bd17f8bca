import numpy as np


def kl_categorical(logp, logq):
    """Exact KL(p || q) = sum_x p(x) (log p(x) - log q(x)) over the last axis, from log-probabilities.

    logp, logq: (..., K) -> (...). p(x) = 0 terms are 0; p(x) > 0 with q(x) = 0 gives +inf.
    """
    raise NotImplementedError("write the exact KL here")


def kl_estimators(logp_x, logq_x):
    """Per-sample (k1, k2, k3) for samples x ~ p, with log r = log q(x) - log p(x).

    k1 = -log r, k2 = (log r)^2 / 2, k3 = (r - 1) - log r; each of the inputs' shape.
    """
    raise NotImplementedError("write the k1, k2, k3 estimators here")
