import numpy as np


def rms_norm(x, weight, eps=1e-6):
    """x / sqrt(mean(x^2) + eps) * weight over the last axis (no centring, no bias).

    x: (..., D); weight: (D,) -> (..., D)
    """
    raise NotImplementedError("write RMSNorm here")
