"""The program saved to a temporary .py file, preexec_fn=os.setsid, text-mode pipes, SIGKILL to the group."""
import os
import signal
import subprocess
import sys
import tempfile


def _normalised(s):
    return [ln.strip() for ln in s.strip().splitlines()]


def _run(path, data, timeout):
    """(returncode or None on timeout, stdout text)."""
    proc = subprocess.Popen([sys.executable, path], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace",
                            preexec_fn=os.setsid)
    try:
        out, _ = proc.communicate(data, timeout=timeout)
        return proc.returncode, out
    except subprocess.TimeoutExpired:
        os.killpg(os.getpgid(proc.pid), signal.SIGKILL)
        out, _ = proc.communicate()
        return None, out


def code_exec_reward(program, tests, timeout=2.0, all_or_nothing=False):
    if not tests:
        raise ValueError("need at least one test")
    if not (timeout > 0):
        raise ValueError("timeout must be positive")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "candidate.py")
        with open(path, "w", encoding="utf-8") as f:
            f.write(program)
        passed = 0
        for data, expected in tests:
            code, out = _run(path, data, timeout)
            if code == 0 and _normalised(out) == _normalised(expected):
                passed += 1
    if all_or_nothing:
        return 1.0 if passed == len(tests) else 0.0
    return passed / len(tests)
