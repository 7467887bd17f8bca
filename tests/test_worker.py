"""Stopping the warm grader (the app quitting) ends everything at once, mid-check or mid-start."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from postprep.drills.catalog import get_drill
from postprep.drills.grader import grade
from postprep.drills.worker import WarmGrader

ATTENTION = get_drill("attention")
LOOP = ATTENTION.solution.read_text() + "\nwhile True:\n    pass\n"


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


def grade_in_thread(grader: WarmGrader, path: Path) -> tuple[threading.Thread, list]:
    results: list = []
    thread = threading.Thread(target=lambda: results.append(grade(ATTENTION, path, run=grader.run)))
    thread.start()
    return thread, results


def test_stop_during_a_check_kills_its_child_and_returns_at_once(tmp_path):
    path = tmp_path / "answer.py"
    path.write_text(LOOP)
    grader = WarmGrader()
    assert grader.wait_ready()
    thread, results = grade_in_thread(grader, path)
    deadline = time.monotonic() + 30
    while grader._current_pid is None and time.monotonic() < deadline:
        time.sleep(0.02)
    child = grader._current_pid
    assert child is not None and alive(child)
    stopped_at = time.monotonic()
    grader.stop()
    thread.join(10)
    assert not thread.is_alive() and time.monotonic() - stopped_at < 5
    assert results[0].status == "error"
    deadline = time.monotonic() + 5
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(child), "the check's child outlived the grader"
    # and nothing starts again: a later check says why instead of waiting for a new worker
    later = grade(ATTENTION, path, run=grader.run)
    assert later.status == "error" and "stopped" in (later.message or "")
    assert grader._proc is None


def test_stop_while_the_worker_is_still_starting_returns_at_once(tmp_path):
    path = tmp_path / "answer.py"
    path.write_text(ATTENTION.solution.read_text())
    grader = WarmGrader()
    thread, results = grade_in_thread(grader, path)  # waits for the worker's imports
    time.sleep(0.2)
    stopped_at = time.monotonic()
    grader.stop()
    thread.join(10)
    assert not thread.is_alive() and time.monotonic() - stopped_at < 2
    assert results[0].status == "error" and "stopped" in results[0].message
