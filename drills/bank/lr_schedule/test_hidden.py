"""Hidden suite for `lr_schedule` (plain Python). The reference is the definition, step by step, in float64."""

import math

import numpy as np
import pytest
from hypothesis import Phase, given, settings, strategies as st

from postprep.drills.harness import assert_close, check, fail

# No shrinking: a wrong answer fails on its first bad example instead of spending the time limit shrinking it.
SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=60,
                    phases=(Phase.explicit, Phase.generate))
TOL = {"rtol": 1e-9, "atol": 1e-15}

CONFIGS = [  # (peak_lr, warmup_steps, total_steps, min_lr)
    (1e-3, 4, 12, 1e-4),
    (3e-4, 100, 1000, 3e-5),
    (1.0, 0, 10, 0.0),
    (0.5, 1, 2, 0.1),
    (2e-5, 7, 50, 0.0),
    (6e-4, 2000, 20000, 6e-5),
]


def spec(step, peak_lr, warmup_steps, total_steps, min_lr=0.0):
    """The prompt's definition."""
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    if step >= total_steps:
        return min_lr
    progress = (step - warmup_steps) / (total_steps - warmup_steps)
    return min_lr + (peak_lr - min_lr) * 0.5 * (1.0 + math.cos(math.pi * progress))


def lr(impl, step, peak_lr, warmup_steps, total_steps, min_lr=None):
    """The user's value as a Python float (any real number type is accepted)."""
    args = (step, peak_lr, warmup_steps, total_steps) + (() if min_lr is None else (min_lr,))
    value = impl.cosine_lr(*args)
    what = f"cosine_lr{args}"
    if isinstance(value, bool):
        fail(f"{what} returned a bool; expected a float")
    try:
        x = float(value)
    except (TypeError, ValueError):
        fail(f"{what} returned {value!r} ({type(value).__name__}); expected a float")
    check(math.isfinite(x), f"{what} is {x}, not a finite number")
    return x


def close(got, expected, what):
    assert_close(np.array(got), np.array(float(expected)), what=what, **TOL)


def schedule(impl, cfg, steps):
    return [lr(impl, s, *cfg) for s in steps]


def test_worked_example(impl):
    """The prompt's example: peak 1e-3, 4 warm-up steps, 12 total steps, min_lr 1e-4, steps 0 to 13."""
    want = [0.0, 2.5e-4, 5e-4, 7.5e-4, 1e-3, 9.657457896e-4, 8.681980515e-4, 7.222075446e-4, 5.5e-4,
            3.777924554e-4, 2.318019485e-4, 1.342542104e-4, 1e-4, 1e-4]
    got = schedule(impl, CONFIGS[0], range(14))
    assert_close(np.array(got), np.array(want), rtol=1e-9, atol=1e-13, what="cosine_lr(step, 1e-3, 4, 12, 1e-4) for steps 0..13")


@pytest.mark.parametrize("cfg", CONFIGS, ids=lambda c: f"peak{c[0]}-w{c[1]}-T{c[2]}-min{c[3]}")
def test_every_step_matches_definition(impl, cfg):
    """Every step from 0 to total_steps + 5 matches the definition (warm-up, cosine, then min_lr)."""
    total = cfg[2]
    stride = max(1, total // 400)
    steps = sorted(set(range(0, total + 6, stride)) | {cfg[1] - 1, cfg[1], cfg[1] + 1, total - 1, total} - {-1})
    for s in steps:
        close(lr(impl, s, *cfg), spec(s, *cfg), f"cosine_lr({s}, {cfg[0]}, {cfg[1]}, {cfg[2]}, {cfg[3]})")


def test_warmup_starts_at_zero_and_is_linear(impl):
    """During warm-up lr = peak_lr * step / warmup_steps: 0 at step 0, never min_lr or peak_lr / warmup_steps."""
    peak, w, total, floor = 2e-3, 10, 100, 2e-4
    close(lr(impl, 0, peak, w, total, floor), 0.0, "the lr at step 0 (warm-up starts from 0)")
    for s in range(1, w):
        close(lr(impl, s, peak, w, total, floor), peak * s / w, f"the warm-up lr at step {s} (peak_lr * step / warmup_steps)")


def test_end_of_warmup_is_peak(impl):
    """At step == warmup_steps the lr is exactly peak_lr (the cosine starts at its top)."""
    for peak, w, total, floor in ((1e-3, 5, 50, 1e-5), (0.1, 1, 3, 0.0), (7e-4, 99, 100, 7e-5)):
        close(lr(impl, w, peak, w, total, floor), peak, f"cosine_lr({w}, {peak}, {w}, {total}, {floor}), the end of warm-up")


def test_decay_ends_at_total_steps(impl):
    """lr(total_steps) = min_lr, and lr(total_steps - 1) is still above it (the cosine reaches the floor at total_steps)."""
    for peak, w, total, floor in ((1e-3, 10, 110, 1e-4), (1.0, 0, 4, 0.0), (5e-4, 3, 8, 5e-5)):
        close(lr(impl, total, peak, w, total, floor), floor, f"cosine_lr({total}, {peak}, {w}, {total}, {floor}) at total_steps")
        last = lr(impl, total - 1, peak, w, total, floor)
        close(last, spec(total - 1, peak, w, total, floor), f"cosine_lr({total - 1}, {peak}, {w}, {total}, {floor}), the last step before total_steps")
        check(last > floor, f"the lr at step total_steps - 1 = {total - 1} is {last}; it should still be above min_lr = {floor}")


def test_after_total_stays_at_min_lr(impl):
    """Past total_steps the lr stays at min_lr (it does not rise again along the cosine)."""
    peak, w, total, floor = 1e-3, 10, 100, 1e-4
    for s in (100, 101, 150, 199, 200, 250, 10**6):
        close(lr(impl, s, peak, w, total, floor), floor, f"cosine_lr({s}, {peak}, {w}, {total}, {floor}) after total_steps")


def test_no_warmup(impl):
    """warmup_steps = 0: the schedule starts at peak_lr at step 0 and decays right away."""
    close(lr(impl, 0, 3e-4, 0, 20, 0.0), 3e-4, "cosine_lr(0, 3e-4, 0, 20, 0.0)")
    for s in range(0, 22):
        close(lr(impl, s, 3e-4, 0, 20, 3e-5), spec(s, 3e-4, 0, 20, 3e-5), f"cosine_lr({s}, 3e-4, 0, 20, 3e-5)")
    close(lr(impl, 0, 1.0, 0, 1, 0.5), 1.0, "cosine_lr(0, 1.0, 0, 1, 0.5) (a one-step schedule)")
    close(lr(impl, 1, 1.0, 0, 1, 0.5), 0.5, "cosine_lr(1, 1.0, 0, 1, 0.5) (a one-step schedule)")


def test_min_lr_defaults_to_zero(impl):
    """Called without min_lr, the cosine decays to 0."""
    for s in (0, 3, 10, 25, 39, 40, 60):
        close(lr(impl, s, 1e-3, 10, 40), spec(s, 1e-3, 10, 40, 0.0), f"cosine_lr({s}, 1e-3, 10, 40) with the default min_lr")


def test_cosine_midpoint_and_symmetry(impl):
    """Halfway through the decay the lr is (peak_lr + min_lr) / 2; points symmetric about it average to it."""
    peak, w, total, floor = 1e-3, 20, 220, 2e-4
    mid = w + (total - w) // 2
    close(lr(impl, mid, peak, w, total, floor), (peak + floor) / 2, f"cosine_lr({mid}, ...) halfway through the decay")
    for d in (1, 17, 60, 99):
        pair = lr(impl, mid - d, peak, w, total, floor) + lr(impl, mid + d, peak, w, total, floor)
        close(pair / 2, (peak + floor) / 2, f"the mean of the lrs {d} steps either side of the decay's midpoint")


def test_monotone_in_each_phase_and_bounded(impl):
    """Non-decreasing through warm-up, non-increasing through the decay, always within [0, peak_lr] and >= min_lr after warm-up."""
    for peak, w, total, floor in ((1e-3, 30, 300, 1e-4), (0.02, 3, 9, 0.0), (1.0, 0, 50, 0.9)):
        values = schedule(impl, (peak, w, total, floor), range(total + 3))
        for s in range(1, w + 1):
            check(values[s] >= values[s - 1], f"the lr falls during warm-up: step {s - 1} -> {s}: {values[s - 1]} -> {values[s]}")
        for s in range(w + 1, total + 3):
            check(values[s] <= values[s - 1], f"the lr rises during the decay: step {s - 1} -> {s}: {values[s - 1]} -> {values[s]}")
        for s, x in enumerate(values):
            check(-1e-15 <= x <= peak * (1 + 1e-12), f"the lr at step {s} is {x}, outside [0, peak_lr = {peak}]")
            if s >= w:
                check(x >= floor * (1 - 1e-12), f"the lr at step {s} is {x}, below min_lr = {floor}")


@pytest.mark.parametrize("args, reason", [
    ((-1, 1e-3, 10, 100, 0.0), "step < 0"),
    ((0, 1e-3, -1, 100, 0.0), "warmup_steps < 0"),
    ((0, 1e-3, 100, 100, 0.0), "warmup_steps == total_steps"),
    ((0, 1e-3, 150, 100, 0.0), "warmup_steps > total_steps"),
    ((0, 1e-3, 0, 0, 0.0), "total_steps = 0"),
    ((0, 0.0, 10, 100, 0.0), "peak_lr = 0"),
    ((0, -1e-3, 10, 100, 0.0), "peak_lr < 0"),
    ((0, 1e-3, 10, 100, -1e-5), "min_lr < 0"),
    ((0, 1e-3, 10, 100, 2e-3), "min_lr > peak_lr"),
])
def test_invalid_arguments_raise(impl, args, reason):
    """ValueError for step < 0, warmup_steps outside [0, total_steps), total_steps < 1, peak_lr <= 0, min_lr outside [0, peak_lr]."""
    try:
        impl.cosine_lr(*args)
    except ValueError:
        return
    except Exception as exc:  # noqa: BLE001
        fail(f"cosine_lr{args} ({reason}) raised {type(exc).__name__}; expected ValueError")
    fail(f"cosine_lr{args} ({reason}) did not raise ValueError")


def test_min_lr_equal_to_peak_is_constant_after_warmup(impl):
    """min_lr = peak_lr is allowed: warm-up, then a constant lr."""
    for s in range(0, 15):
        close(lr(impl, s, 0.01, 5, 12, 0.01), spec(s, 0.01, 5, 12, 0.01), f"cosine_lr({s}, 0.01, 5, 12, 0.01)")


@SETTINGS
@given(
    total=st.integers(1, 5000),
    data=st.data(),
    peak=st.sampled_from([1e-5, 3e-4, 1e-3, 0.1, 1.0, 7.0]),
    floor_frac=st.sampled_from([0.0, 0.01, 0.1, 0.5, 1.0]),
)
def test_matches_definition_on_random_schedules(impl, total, data, peak, floor_frac):
    """Random schedules and steps (warm-up, decay and past the end) agree with the definition."""
    w = data.draw(st.integers(0, total - 1), label="warmup_steps")
    step = data.draw(st.integers(0, 2 * total + 3), label="step")
    floor = peak * floor_frac
    close(lr(impl, step, peak, w, total, floor), spec(step, peak, w, total, floor),
          f"cosine_lr({step}, {peak}, {w}, {total}, {floor})")
