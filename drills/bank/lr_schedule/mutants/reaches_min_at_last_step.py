"""Divides by total_steps - warmup_steps - 1, so the floor is reached one step early (at total_steps - 1)."""
import math


def cosine_lr(step, peak_lr, warmup_steps, total_steps, min_lr=0.0):
    if step < 0 or total_steps < 1 or not 0 <= warmup_steps < total_steps or peak_lr <= 0 or not 0 <= min_lr <= peak_lr:
        raise ValueError("bad arguments")
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    if step >= total_steps - 1:
        return min_lr
    progress = (step - warmup_steps) / (total_steps - warmup_steps - 1)
    return min_lr + (peak_lr - min_lr) * 0.5 * (1 + math.cos(math.pi * progress))
