"""Stores the advantages and returns as float32 whatever the inputs' precision (a float32 rollout
buffer), so float64 inputs come back at float32 precision."""
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
    next_value = last_value  # V(s_T): bootstrap for the state after the last step
    next_advantage = 0.0
    for t in reversed(range(rewards.shape[0])):
        # an episode that ends at step t has no next state: no bootstrap and no recursion across it
        delta = rewards[t] + gamma * next_value * not_done[t] - values[t]
        next_advantage = delta + gamma * lam * not_done[t] * next_advantage
        advantages[t] = next_advantage
        next_value = values[t]
    returns = advantages + values
    if isinstance(rewards, np.ndarray):
        return advantages.astype(np.float32), returns.astype(np.float32)
    return advantages.float(), returns.float()
