"""torch: returns built under no_grad with torch.where on the dones, the baseline turned into a constant tensor."""
import torch


def returns_to_go(rewards, dones, gamma=0.99):
    if not (0 <= gamma <= 1):
        raise ValueError("bad gamma")
    if dones.shape != rewards.shape:
        raise ValueError("shape mismatch")
    with torch.no_grad():
        out = torch.empty_like(rewards)
        g = torch.zeros_like(rewards[0])
        for t in range(rewards.shape[0] - 1, -1, -1):
            g = rewards[t] + gamma * torch.where(dones[t], torch.zeros_like(g), g)
            out[t] = g
    return out


def reinforce_loss(logps, rewards, dones, gamma=0.99, baseline=None):
    if logps.shape != rewards.shape:
        raise ValueError("shape mismatch")
    g = returns_to_go(rewards, dones, gamma)
    if baseline is None:
        b = g.mean()
    elif isinstance(baseline, torch.Tensor):
        b = baseline.detach().clone()
    else:
        b = torch.tensor(float(baseline), dtype=g.dtype)
    weights = (g - b).to(logps.dtype)
    return -(weights * logps).sum() / logps.numel()
