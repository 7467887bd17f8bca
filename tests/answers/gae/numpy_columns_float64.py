"""NumPy: one environment (column) at a time with plain floats, float64 throughout, (T,) handled as (T, 1)."""
import numpy as np


def gae(rewards, values, dones, last_value, gamma=0.99, lam=0.95):
    if not 0.0 <= gamma <= 1.0:
        raise ValueError("gamma out of range")
    if not 0.0 <= lam <= 1.0:
        raise ValueError("lam out of range")
    if np.shape(values) != np.shape(rewards) or np.shape(dones) != np.shape(rewards):
        raise ValueError("values and dones must match rewards")
    one_env = np.ndim(rewards) == 1
    r = np.array(rewards, dtype=np.float64).reshape(len(rewards), -1)
    v = np.array(values, dtype=np.float64).reshape(r.shape)
    d = np.array(dones, dtype=bool).reshape(r.shape)
    last = np.array(last_value, dtype=np.float64).reshape(-1)
    adv = np.empty_like(r)
    for e in range(r.shape[1]):
        acc = 0.0
        nxt = float(last[e])
        for t in range(r.shape[0] - 1, -1, -1):
            if d[t, e]:
                acc = r[t, e] - v[t, e]
            else:
                acc = r[t, e] + gamma * nxt - v[t, e] + gamma * lam * acc
            adv[t, e] = acc
            nxt = v[t, e]
    ret = adv + v
    if one_env:
        adv, ret = adv[:, 0], ret[:, 0]
    return adv, ret
