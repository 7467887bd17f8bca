"""Kills only the program on timeout (proc.kill), reading through files so nothing hangs: its children survive."""


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
    import tempfile
    with tempfile.TemporaryFile() as fin, tempfile.TemporaryFile() as fout:
        fin.write(stdin.encode())
        fin.seek(0)
        proc = subprocess.Popen([sys.executable, "-c", program], stdin=fin, stdout=fout, stderr=subprocess.DEVNULL)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            return False
        fout.seek(0)
        out = fout.read()
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
    if all_or_nothing:
        return 1.0 if passed == len(tests) else 0.0
    return passed / len(tests)
