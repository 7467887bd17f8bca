"""Reference: linear warm-up, then cosine decay to min_lr (the schedule of Hugging Face's
get_cosine_with_min_lr_schedule_with_warmup, num_cycles=0.5), held at min_lr after total_steps."""

import math


def cosine_lr(step, peak_lr, warmup_steps, total_steps, min_lr=0.0):
    if step < 0:
        raise ValueError(f"step must be >= 0, got {step}")
    if total_steps < 1:
        raise ValueError(f"total_steps must be >= 1, got {total_steps}")
    if not 0 <= warmup_steps < total_steps:
        raise ValueError(f"need 0 <= warmup_steps < total_steps, got {warmup_steps} and {total_steps}")
    if peak_lr <= 0:
        raise ValueError(f"peak_lr must be > 0, got {peak_lr}")
    if not 0 <= min_lr <= peak_lr:
        raise ValueError(f"need 0 <= min_lr <= peak_lr, got {min_lr} and {peak_lr}")

    if step < warmup_steps:  # linear from 0 (at step 0) towards peak_lr (reached at step warmup_steps)
        return peak_lr * step / warmup_steps
    if step >= total_steps:  # the decay is over: hold the floor
        return float(min_lr)
    progress = (step - warmup_steps) / (total_steps - warmup_steps)  # in [0, 1)
    return min_lr + (peak_lr - min_lr) * 0.5 * (1.0 + math.cos(math.pi * progress))
