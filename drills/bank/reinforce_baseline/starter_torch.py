import torch


def returns_to_go(rewards, dones, gamma=0.99):
    """G_t = sum_k gamma^k r_{t+k} within each episode; rewards, dones: (T,) or (T, E), time on axis 0."""
    raise NotImplementedError("write the returns-to-go here")


def reinforce_loss(logps, rewards, dones, gamma=0.99, baseline=None):
    """-mean(logps * (G - b)) over all steps; b = baseline, or the batch mean of G when baseline is None."""
    raise NotImplementedError("write the REINFORCE loss here")
