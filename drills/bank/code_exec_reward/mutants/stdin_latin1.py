"""Encodes stdin as Latin-1 instead of UTF-8: non-ASCII input reaches the program garbled."""
import os
import signal
import subprocess
import sys
import tempfile


def _norm(t):
    return [l.strip() for l in t.strip().splitlines()]


def _run(path, stdin, timeout):
    p = subprocess.Popen([sys.executable, path], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        out, _ = p.communicate(stdin.encode("latin-1", errors="replace"), timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        p.communicate()
        return None
    finally:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    if p.returncode != 0:
        return None
    return out.decode("utf-8", errors="replace")


def code_exec_reward(program, tests, timeout=2.0, all_or_nothing=False):
    tests = list(tests)
    if not tests:
        raise ValueError("no tests")
    if timeout <= 0:
        raise ValueError("timeout")
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "prog.py")
        with open(path, "w", encoding="utf-8") as f:
            f.write(program)
        passed = 0
        for stdin, exp in tests:
            out = _run(path, stdin, timeout)
            if out is not None and _norm(out) == _norm(exp):
                passed += 1
    if all_or_nothing:
        return 1.0 if passed == len(tests) else 0.0
    return passed / len(tests)
