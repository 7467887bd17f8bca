"""NumPy: explicit per-column loops with Python floats, float64 results, np.mean for the loss."""
import numpy as np


def returns_to_go(rewards, dones, gamma=0.99):
    if gamma < 0.0 or gamma > 1.0:
        raise ValueError("gamma must lie in [0, 1]")
    if np.shape(dones) != np.shape(rewards):
        raise ValueError("dones must match rewards")
    r = np.asarray(rewards, dtype=np.float64)
    flat = r.reshape(r.shape[0], -1)
    d = np.asarray(dones).reshape(flat.shape)
    out = np.empty_like(flat)
    for e in range(flat.shape[1]):
        g = 0.0
        for t in range(flat.shape[0] - 1, -1, -1):
            if d[t, e]:
                g = 0.0
            g = flat[t, e] + gamma * g
            out[t, e] = g
    return out.reshape(r.shape)


def reinforce_loss(logps, rewards, dones, gamma=0.99, baseline=None):
    if np.shape(logps) != np.shape(rewards):
        raise ValueError("logps must match rewards")
    g = returns_to_go(rewards, dones, gamma)
    b = np.mean(g) if baseline is None else np.asarray(baseline, dtype=np.float64)
    return np.float64(-np.mean(np.asarray(logps, dtype=np.float64) * (g - b)))
