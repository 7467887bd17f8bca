import math


def cosine_lr(step, peak_lr, warmup_steps, total_steps, min_lr=0.0):
    """The learning rate at `step` (0-based): linear warm-up from 0 to peak_lr over warmup_steps,
    then cosine decay from peak_lr to min_lr, reached at step == total_steps, held afterwards.

    ValueError for bad arguments (see the prompt).
    """
    raise NotImplementedError("write the schedule here")
