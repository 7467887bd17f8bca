import numpy as np


def gae(rewards, values, dones, last_value, gamma=0.99, lam=0.95):
    """Generalized Advantage Estimation (Schulman et al., 2016) over a rollout, time on axis 0.

    rewards, values: (T,) or (T, E) floats; dones: same shape, bool (True = the episode ended at step t).
    last_value: () or (E,), the value of the state after the last step.
    Returns (advantages, returns), both shaped like rewards; returns = advantages + values.
    """
    raise NotImplementedError("write GAE here")
