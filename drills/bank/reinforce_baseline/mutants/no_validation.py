"""The right formulas, but gamma outside [0, 1] and mismatched shapes are accepted."""
import numpy as np


def returns_to_go(rewards, dones, gamma=0.99):
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
    return returns


def reinforce_loss(logps, rewards, dones, gamma=0.99, baseline=None):
    returns = returns_to_go(rewards, dones, gamma)
    if baseline is None:
        baseline = returns.mean()  # one scalar: the mean return of the batch
    if hasattr(baseline, "detach"):  # a torch tensor, e.g. a value head's output
        baseline = baseline.detach()  # a learned baseline must not receive this gradient
    advantages = returns - baseline
    return -(logps * advantages).mean()
