"""Runs the recursion forwards in time, so each advantage accumulates past TD errors instead of future ones."""
import numpy as np


def gae(rewards, values, dones, last_value, gamma=0.99, lam=0.95):
    if not (0.0 <= gamma <= 1.0 and 0.0 <= lam <= 1.0):
        raise ValueError(f"gamma and lam must be in [0, 1], got {gamma}, {lam}")
    if values.shape != rewards.shape or dones.shape != rewards.shape:
        raise ValueError("rewards, values and dones must have the same shape (T,) or (T, E)")
    if isinstance(rewards, np.ndarray):
        advantages = np.zeros_like(rewards)
        not_done = 1.0 - dones.astype(rewards.dtype)
    else:
        import torch

        advantages = torch.zeros_like(rewards)
        not_done = 1.0 - dones.to(rewards.dtype)
    running = 0.0
    t_len = rewards.shape[0]
    for t in range(t_len):
        next_value = values[t + 1] if t + 1 < t_len else last_value
        delta = rewards[t] + gamma * next_value * not_done[t] - values[t]
        running = delta + gamma * lam * running
        advantages[t] = running
        running = running * not_done[t]
    return advantages, advantages + values
