"""torch: collects the advantages in a Python list backwards, reverses and stacks; bool dones via logical_not."""
import torch


def gae(rewards, values, dones, last_value, gamma=0.99, lam=0.95):
    if gamma < 0 or gamma > 1 or lam < 0 or lam > 1:
        raise ValueError("gamma and lam must lie in [0, 1]")
    if tuple(values.shape) != tuple(rewards.shape) or tuple(dones.shape) != tuple(rewards.shape):
        raise ValueError("shape mismatch")
    keep = torch.logical_not(dones).to(rewards.dtype)
    out = []
    gae_t = torch.zeros_like(rewards[0])
    v_next = last_value.to(rewards.dtype) if torch.is_tensor(last_value) else torch.full_like(rewards[0], float(last_value))
    for t in range(rewards.shape[0] - 1, -1, -1):
        delta = rewards[t] + gamma * v_next * keep[t] - values[t]
        gae_t = delta + gamma * lam * keep[t] * gae_t
        out.append(gae_t)
        v_next = values[t]
    adv = torch.stack(out[::-1])
    return adv, adv + values
