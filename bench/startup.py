"""Time from typing `postprep` to the dashboard on the terminal, against a bare Textual app.

    python bench/startup.py [--runs 15]

Runs the installed `postprep` command in a pseudo-terminal (120x40) and stops the clock when the
dashboard's text reaches the terminal, the moment a user sees it. In the same run, interleaved so
machine noise hits both alike, it times a bare Textual app showing one label: the floor that
importing and starting Textual costs on this machine. Target (issue 3): under 0.5 s, with no torch
loaded before the first screen (checked in the process's memory map when the screen appears).
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time

BARE = """
from textual.app import App
from textual.widgets import Label

class Bare(App):
    def compose(self):
        yield Label("Recent attempts")

Bare().run()
"""
MARKER = b"Recent attempts"  # a panel title of the dashboard


def first_screen(cmd: list[str], env: dict) -> tuple[float, bool]:
    """Seconds until MARKER is on the terminal, and whether torch was loaded by then."""
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=terminal, stdout=terminal, stderr=terminal, env=env, start_new_session=True)
    os.close(terminal)
    seen, torch, output = None, False, b""
    try:
        while seen is None and proc.poll() is None:
            if select.select([controller], [], [], 0.01)[0]:
                output += os.read(controller, 65536)
                if MARKER in output:
                    seen = time.perf_counter() - start
                    with open(f"/proc/{proc.pid}/maps") as maps:
                        torch = "libtorch" in maps.read()
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        os.close(controller)
    if seen is None:
        sys.exit(f"{cmd[0]} exited before showing its first screen:\n{output.decode(errors='replace')[-2000:]}")
    return seen, torch


def summary(times: list[float]) -> str:
    return f"median {statistics.median(times):.3f} s, min {min(times):.3f} s, max {max(times):.3f} s"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    postprep = shutil.which("postprep")
    if postprep is None:
        sys.exit("postprep is not on PATH: install it first (pip install .)")
    home = tempfile.mkdtemp(prefix="postprep-bench-")
    env = {**os.environ, "POSTPREP_HOME": home, "POSTPREP_WORKSPACE": home, "TERM": "xterm-256color"}
    app, bare, torch = [], [], False
    for _ in range(args.runs):
        seconds, loaded = first_screen([postprep], env)
        app.append(seconds)
        torch |= loaded
        bare.append(first_screen([sys.executable, "-c", BARE], env)[0])
    print(f"postprep first screen:        {summary(app)} over {args.runs} runs")
    print(f"bare Textual app (the floor): {summary(bare)}")
    print(f"postprep minus the floor:     {statistics.median(app) - statistics.median(bare):+.3f} s (medians)")
    print(f"torch loaded before the first screen: {'yes' if torch else 'no'}")


if __name__ == "__main__":
    main()
