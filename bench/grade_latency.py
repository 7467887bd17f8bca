"""Cold `postprep check` against a warm-worker check of the same file, measured in one run.

    python bench/grade_latency.py [--drill attention] [--runs 9]

Prints the median of each and the ratio. Target (issue 3): warm median under 0.3 s for the
attention suite, at least 10x faster than cold.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

from postprep.drills.catalog import get_drill
from postprep.drills.grader import grade
from postprep.drills.worker import WarmGrader


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--drill", default="attention")
    parser.add_argument("--framework", default="numpy")
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    drill = get_drill(args.drill)
    path = str(drill.solution)

    env = {**os.environ, "POSTPREP_HOME": tempfile.mkdtemp(prefix="postprep-bench-")}
    cold = []
    for _ in range(max(3, args.runs // 3)):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "postprep.tui", "check", drill.id, "--file", path, "--framework", args.framework],
            env=env, capture_output=True, check=False,
        )
        cold.append(time.perf_counter() - start)

    warm = WarmGrader()
    warm.wait_ready()
    grade(drill, drill.solution, args.framework, run=warm.run)  # first fork warms the page cache
    hot = []
    for _ in range(args.runs):
        start = time.perf_counter()
        result = grade(drill, drill.solution, args.framework, run=warm.run)
        hot.append(time.perf_counter() - start)
        assert result.status == "pass", result.message
    warm.stop()

    cold_median, hot_median = statistics.median(cold), statistics.median(hot)
    print(f"drill {drill.id} ({args.framework})")
    print(f"cold `postprep check`: median {cold_median:.3f} s over {len(cold)} runs")
    print(f"warm worker check:     median {hot_median:.3f} s over {len(hot)} runs (max {max(hot):.3f} s)")
    print(f"ratio: {cold_median / hot_median:.1f}x")


if __name__ == "__main__":
    main()
