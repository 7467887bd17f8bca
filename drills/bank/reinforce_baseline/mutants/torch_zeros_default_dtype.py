"""torch: the returns buffer is `torch.zeros(shape)`, float32 by default: float64 rewards get float32 returns."""

import torch


def returns_to_go(rewards, dones, gamma=0.99):
    if not 0.0 <= gamma <= 1.0:
        raise ValueError(f"gamma must be in [0, 1], got {gamma}")
    if dones.shape != rewards.shape:
        raise ValueError("dones must have the shape of rewards")
    returns = torch.zeros(rewards.shape)
    not_done = 1.0 - dones.to(rewards.dtype)
    running = 0.0
    for t in reversed(range(rewards.shape[0])):
        running = rewards[t] + gamma * not_done[t] * running
        returns[t] = running
    return returns


def reinforce_loss(logps, rewards, dones, gamma=0.99, baseline=None):
    if logps.shape != rewards.shape:
        raise ValueError("logps must have the shape of rewards")
    returns = returns_to_go(rewards, dones, gamma)
    if baseline is None:
        baseline = returns.mean()
    if hasattr(baseline, "detach"):
        baseline = baseline.detach()
    advantages = returns - baseline
    return -(logps * advantages).mean()
