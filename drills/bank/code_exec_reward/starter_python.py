import os
import signal
import subprocess
import sys


def code_exec_reward(program: str, tests, timeout: float = 2.0, all_or_nothing: bool = False) -> float:
    """Fraction of (stdin, expected_stdout) tests the program passes, each in a fresh subprocess.

    A test passes on exit code 0 within `timeout` s and equal normalised stdout
    ([line.strip() for line in text.strip().splitlines()]). Kill the whole process group on timeout.
    """
    raise NotImplementedError("write the execution reward here")
