"""NumPy: clip the decay progress to [0, 1] and blend with the warm-up ramp using np.interp."""
import numpy as np


def cosine_lr(step, peak_lr, warmup_steps, total_steps, min_lr=0.0):
    if step < 0 or total_steps < 1 or not (0 <= warmup_steps < total_steps):
        raise ValueError("invalid step counts")
    if not (peak_lr > 0 and 0 <= min_lr <= peak_lr):
        raise ValueError("invalid learning rates")
    if step < warmup_steps:
        return float(np.interp(step, [0, warmup_steps], [0.0, peak_lr]))
    t = np.clip((step - warmup_steps) / (total_steps - warmup_steps), 0.0, 1.0)
    return float(min_lr + (peak_lr - min_lr) * (1 + np.cos(np.pi * t)) / 2)
