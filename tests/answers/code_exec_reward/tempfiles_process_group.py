"""Input and output through temporary files (no pipes at all), process_group=0, wait(timeout) and killpg."""
import os
import signal
import subprocess
import sys
import tempfile


def _norm(text):
    return [line.strip() for line in text.strip().splitlines()]


def _one(program, stdin_text, expected, timeout):
    with tempfile.TemporaryFile() as fin, tempfile.TemporaryFile() as fout:
        fin.write(stdin_text.encode("utf-8"))
        fin.seek(0)
        proc = subprocess.Popen([sys.executable, "-c", program], stdin=fin, stdout=fout,
                                stderr=subprocess.DEVNULL, process_group=0)
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            code = None
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # the program (if still running) and its children
        except ProcessLookupError:
            pass
        proc.wait()
        if code != 0:
            return False
        fout.seek(0)
        return _norm(fout.read().decode("utf-8", "replace")) == _norm(expected)


def code_exec_reward(program, tests, timeout=2.0, all_or_nothing=False):
    if len(tests) == 0:
        raise ValueError("tests is empty")
    if timeout <= 0:
        raise ValueError("timeout must be > 0")
    results = [_one(program, i, o, timeout) for i, o in tests]
    if all_or_nothing:
        return float(all(results))
    return sum(results) / len(results)
