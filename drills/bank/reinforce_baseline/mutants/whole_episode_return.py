"""Gives every step the return of its whole episode (from the episode's first step) instead of the reward-to-go."""
import numpy as np


def returns_to_go(rewards, dones, gamma=0.99):
    if not 0.0 <= gamma <= 1.0:
        raise ValueError(f"gamma must be in [0, 1], got {gamma}")
    if dones.shape != rewards.shape:
        raise ValueError("dones must have the shape of rewards")
    if isinstance(rewards, np.ndarray):
        returns = np.zeros_like(rewards)
        not_done = 1.0 - dones.astype(rewards.dtype)
    else:
        import torch

        returns = torch.zeros_like(rewards)
        not_done = 1.0 - dones.to(rewards.dtype)
    running = 0.0
    for t in reversed(range(rewards.shape[0])):
        # G_t = r_t + gamma * G_{t+1}, restarted after every episode end
        running = rewards[t] + gamma * not_done[t] * running
        returns[t] = running
    starts = [0] + [t + 1 for t in range(rewards.shape[0] - 1) if bool((dones[t] != 0).all())]
    out = returns * 0
    for k, s in enumerate(starts):
        e = starts[k + 1] if k + 1 < len(starts) else rewards.shape[0]
        out[s:e] = returns[s]
    return out


def reinforce_loss(logps, rewards, dones, gamma=0.99, baseline=None):
    if logps.shape != rewards.shape:
        raise ValueError("logps must have the shape of rewards")
    returns = returns_to_go(rewards, dones, gamma)
    if baseline is None:
        baseline = returns.mean()  # one scalar: the mean return of the batch
    if hasattr(baseline, "detach"):  # a torch tensor, e.g. a value head's output
        baseline = baseline.detach()  # a learned baseline must not receive this gradient
    advantages = returns - baseline
    return -(logps * advantages).mean()
