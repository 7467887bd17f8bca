"""Time from `postprep` starting to the app's first screen on the terminal, and what it imported.

    python bench/startup.py [--runs 5]

Runs the real app in a pseudo-terminal and waits for the dashboard's first paint. Target (issue 3):
under 0.5 s, with no torch imported before the first screen.
"""

from __future__ import annotations

import argparse
import os
import pty
import select
import statistics
import subprocess
import sys
import tempfile
import time

PROBE = """
import sys, time
t0, report_path = float(sys.argv[1]), sys.argv[2]
from postprep.tui.app import PostprepApp

class Probe(PostprepApp):
    def on_mount(self):
        super().on_mount()
        self.call_after_refresh(self.report)

    def report(self):
        heavy = [m for m in ("torch", "numpy") if m in sys.modules]
        with open(report_path, "w") as f:  # Textual owns stdout and stderr
            f.write(f"{time.time() - t0:.3f} {','.join(heavy) or '-'}")
        self.exit()

Probe().run()
"""


def once(env: dict) -> tuple[float, str]:
    controller, terminal = pty.openpty()
    report = tempfile.mktemp(prefix="postprep-first-screen-")
    start = time.time()
    proc = subprocess.Popen([sys.executable, "-c", PROBE, str(start), report], stdin=terminal, stdout=terminal,
                            stderr=terminal, env=env)
    os.close(terminal)
    while proc.poll() is None:  # drain the terminal so the app never blocks on writes
        if select.select([controller], [], [], 0.05)[0]:
            try:
                os.read(controller, 65536)
            except OSError:
                break
    os.close(controller)
    with open(report) as f:
        seconds, heavy = f.read().split()
    os.unlink(report)
    return float(seconds), heavy


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="postprep-bench-")
    env = {**os.environ, "POSTPREP_HOME": home, "POSTPREP_WORKSPACE": home, "TERM": "xterm-256color"}
    results = [once(env) for _ in range(args.runs)]
    times = [t for t, _ in results]
    print(f"first screen: median {statistics.median(times):.3f} s, max {max(times):.3f} s over {len(times)} runs")
    print(f"heavy modules imported before it: {sorted({h for _, h in results})}")


if __name__ == "__main__":
    main()
