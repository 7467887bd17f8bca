"""torch: Python-float loops per environment column, rebuilt with torch.tensor(..., dtype=rewards.dtype); float baseline via float()."""
import torch


def returns_to_go(rewards, dones, gamma=0.99):
    if gamma < 0 or gamma > 1:
        raise ValueError("gamma must be in [0, 1]")
    if tuple(dones.shape) != tuple(rewards.shape):
        raise ValueError("dones must be shaped like rewards")
    squeeze = rewards.dim() == 1
    r = rewards.reshape(rewards.shape[0], -1)
    d = dones.reshape(dones.shape[0], -1)
    T, E = r.shape
    out = []
    for e in range(E):
        col = [0.0] * T
        acc = 0.0
        for t in reversed(range(T)):
            if bool(d[t, e]):
                acc = 0.0
            acc = float(r[t, e]) + gamma * acc
            col[t] = acc
        out.append(col)
    G = torch.tensor(out, dtype=rewards.dtype).T.contiguous()
    return G.reshape(-1) if squeeze else G


def reinforce_loss(logps, rewards, dones, gamma=0.99, baseline=None):
    if tuple(logps.shape) != tuple(rewards.shape):
        raise ValueError("logps must be shaped like rewards")
    G = returns_to_go(rewards, dones, gamma)
    if baseline is None:
        b = G.mean()
    elif isinstance(baseline, torch.Tensor):
        b = baseline.detach()
    else:
        b = float(baseline)
    adv = (G - b).to(logps.dtype)
    return -(logps * adv).sum() / logps.numel()
