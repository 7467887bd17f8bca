"""Uses the identity 0.5 * (1 + cos(pi x)) = cos(pi x / 2)^2, and returns ints where exact."""
import math


def cosine_lr(step, peak_lr, warmup_steps, total_steps, min_lr=0.0):
    if not isinstance(step, int) or step < 0:
        raise ValueError("step must be a non-negative int")
    if total_steps < 1 or warmup_steps < 0 or warmup_steps >= total_steps:
        raise ValueError("need 0 <= warmup_steps < total_steps")
    if peak_lr <= 0 or min_lr < 0 or min_lr > peak_lr:
        raise ValueError("need 0 <= min_lr <= peak_lr and peak_lr > 0")
    if step == 0 and warmup_steps > 0:
        return 0
    if step < warmup_steps:
        return step * peak_lr / warmup_steps
    if step >= total_steps:
        return min_lr
    x = (step - warmup_steps) / (total_steps - warmup_steps)
    return min_lr + (peak_lr - min_lr) * math.cos(math.pi * x / 2) ** 2
