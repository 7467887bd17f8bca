"""A loop over the leading axes and the queries, with the log-sum-exp trick."""
import math

import numpy as np


def _one(q, k, v, mask):
    out = np.empty((q.shape[0], v.shape[1]), dtype=np.result_type(q, v))
    for i in range(q.shape[0]):
        s = k @ q[i] / math.sqrt(q.shape[1])
        if mask is not None:
            s = np.where(mask[i], s, -np.inf)
        lse = s.max() + np.log(np.exp(s - s.max()).sum())
        out[i] = np.exp(s - lse) @ v
    return out


def scaled_dot_product_attention(q, k, v, mask=None):
    lead = q.shape[:-2]
    if mask is not None:
        mask = np.broadcast_to(mask, lead + (q.shape[-2], k.shape[-2]))
    out = np.empty(lead + (q.shape[-2], v.shape[-1]), dtype=np.result_type(q, v))
    for idx in np.ndindex(*lead):
        out[idx] = _one(q[idx], k[idx], v[idx], None if mask is None else mask[idx])
    return out
