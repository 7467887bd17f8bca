"""Always returns 1.0 or 0.0 (all tests pass or not), ignoring the fraction."""


import os
import signal
import subprocess
import sys


def _lines(text):
    """Normalised output: outer blank lines dropped, each line stripped; inner blank lines kept."""
    return [line.strip() for line in text.strip().splitlines()]


def _kill_group(pgid):
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass  # the group is already gone


def _passes(program, stdin, expected, timeout):
    # A session of its own: on timeout we kill the program *and* anything it started, so no
    # grandchild keeps running or keeps our pipes open (communicate() would wait for it).
    proc = subprocess.Popen(
        [sys.executable, "-c", program],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        out, _ = proc.communicate(stdin.encode(), timeout=timeout)  # writes and reads together: no deadlock
    except subprocess.TimeoutExpired:
        _kill_group(proc.pid)
        proc.communicate()  # reap it; the pipes close now that the whole group is dead
        return False
    finally:
        _kill_group(proc.pid)  # leftovers of a program that exited
    if proc.returncode != 0:  # a crash or sys.exit(n != 0) fails the test, whatever it printed
        return False
    return _lines(out.decode("utf-8", errors="replace")) == _lines(expected)


def code_exec_reward(program, tests, timeout=2.0, all_or_nothing=False):
    tests = list(tests)
    if not tests:
        raise ValueError("no test cases")
    if not timeout > 0:
        raise ValueError(f"timeout must be positive, got {timeout!r}")
    passed = sum(_passes(program, stdin, expected, timeout) for stdin, expected in tests)
    return 1.0 if passed == len(tests) else 0.0
    return passed / len(tests)
