"""Transformers style: an lr multiplier in [0, 1] (with a min_lr rate), times peak_lr."""
import math


def _multiplier(step, warmup, total, min_rate):
    if step < warmup:
        return float(step) / float(max(1, warmup))
    progress = min(1.0, float(step - warmup) / float(max(1, total - warmup)))
    factor = 0.5 * (1.0 + math.cos(math.pi * progress))
    return factor * (1.0 - min_rate) + min_rate


def cosine_lr(step, peak_lr, warmup_steps, total_steps, min_lr=0.0):
    problems = []
    if step < 0:
        problems.append("step < 0")
    if total_steps < 1:
        problems.append("total_steps < 1")
    if warmup_steps < 0 or warmup_steps >= total_steps:
        problems.append("warmup_steps not in [0, total_steps)")
    if peak_lr <= 0:
        problems.append("peak_lr <= 0")
    if min_lr < 0 or min_lr > peak_lr:
        problems.append("min_lr not in [0, peak_lr]")
    if problems:
        raise ValueError(", ".join(problems))
    return peak_lr * _multiplier(step, warmup_steps, total_steps, min_lr / peak_lr)
