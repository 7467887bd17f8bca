"""Grade one file against a drill's hidden suite, in a separate, limited process group.

The result follows exercism's results.json v3: `status` pass | fail | error, `message` when the
suite could not run to the end, and `tests` in file order with a short message each.
"""

from __future__ import annotations

import ast
import functools
import json
import math
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from postprep.drills.catalog import Drill
from postprep.drills.static import check_source, imported_roots

STARTUP_TIMEOUT_S = 90.0  # imports (torch) before the suite starts; generous for a busy 2-core box
MEMORY_BYTES = 2 << 30
OUTPUT_CAP_BYTES = 4 << 20
RECORDS_CAP_BYTES = 4 << 20
EXIT_CODES = {"pass": 0, "fail": 1, "error": 2}


@dataclass
class TestResult:
    name: str
    description: str
    status: str  # pass | fail | error
    message: str = ""
    duration_ms: int = 0


@dataclass
class Result:
    status: str  # pass | fail | error
    message: str | None
    tests: list[TestResult] = field(default_factory=list)
    drill: str = ""
    framework: str = ""
    file: str = ""
    duration_ms: int = 0

    @property
    def passed(self) -> int:
        return sum(t.status == "pass" for t in self.tests)

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.status]

    def to_json(self) -> dict:
        data = {"version": 3, **asdict(self)}
        data["passed"], data["total"] = self.passed, len(self.tests)
        return data


def grade(drill: Drill, path: Path, framework: str | None = None, *, timeout_s: float | None = None,
          run: Callable[..., "Run"] | None = None, on_record: Callable[[dict], None] | None = None) -> Result:
    """Static checks, then the hidden suite in a separate process: a fresh interpreter by default,
    or `run=WarmGrader(...).run` for a fork of a warm worker. Never raises for a bad file.
    `on_record` sees each record as it arrives (collected, start, result), for live display."""
    start = time.perf_counter()
    run = functools.partial(run or run_cold, on_record=on_record)
    result = _grade(drill, Path(path), framework, timeout_s or drill.timeout_s, run)
    result.duration_ms = round((time.perf_counter() - start) * 1000)
    return result


def _grade(drill: Drill, path: Path, framework: str | None, timeout_s: float, run) -> Result:
    base = {"drill": drill.id, "file": str(path)}
    try:
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Result("error", f"there is no file at {path}", **base)
    except (OSError, UnicodeDecodeError) as exc:
        return Result("error", f"cannot read {path}: {exc}", **base)
    problem, detected = check_source(source, str(path), drill)
    framework = framework or detected
    if framework not in drill.frameworks:
        return Result("error", f"{drill.id} is a {' or '.join(drill.frameworks)} drill, not {framework}", **base)
    if problem:
        return Result("error", problem, framework=framework, **base)
    job = make_job(drill, path, framework, timeout_s, candidate_roots=imported_roots(ast.parse(source)))
    return verdict(run(job), job, framework=framework, **base)


def make_job(drill: Drill, path: Path, framework: str, timeout_s: float, candidate_roots: set[str] = frozenset()) -> dict:
    suite_tree = ast.parse(drill.suite.read_text(encoding="utf-8"))
    return {
        "suite": str(drill.suite),
        "candidate": str(path.resolve()),
        "framework": framework,
        # torch costs seconds to import: only when the user's framework, the suite's module or the
        # user's file needs it (then before the limits, and its forbidden APIs get their guards)
        "needs_torch": framework == "torch" or "torch" in candidate_roots
        or "torch" in imported_roots(suite_tree, top_level_only=True),
        "forbidden": list(drill.forbidden),
        "timeout_s": timeout_s,
        "cpu_s": math.ceil(timeout_s) + 5,  # after imports; the wall clock normally ends a loop first
        "memory_bytes": MEMORY_BYTES,
        "output_cap_bytes": OUTPUT_CAP_BYTES,
    }


@dataclass
class Run:
    """What the parent saw of one child: its records, how it ended, the tail of its output."""

    records: list[dict]
    returncode: int | None
    timed_out: bool
    output_tail: str


def child_env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
    env.update(
        PYTHONHASHSEED="0",
        PYTHONDONTWRITEBYTECODE="1",
        PYTEST_DISABLE_PLUGIN_AUTOLOAD="1",
        OMP_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        OPENBLAS_NUM_THREADS="1",
    )
    return env


def run_cold(job: dict, on_record: Callable[[dict], None] | None = None) -> Run:
    """A fresh interpreter in its own session; the whole group is killed when we are done."""
    read_fd, write_fd = os.pipe()
    with tempfile.TemporaryDirectory(prefix="postprep-grade-") as tmp:
        output = Path(tmp, "output.txt")
        with output.open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "postprep.drills.runner"],
                stdin=subprocess.PIPE, stdout=out, stderr=subprocess.STDOUT,
                pass_fds=(write_fd,), start_new_session=True, cwd=tmp, env=child_env(),
            )
        os.close(write_fd)
        try:
            proc.stdin.write(json.dumps({**job, "record_fd": write_fd}).encode())
            proc.stdin.close()
        except BrokenPipeError:
            pass
        try:
            records, timed_out = read_records(read_fd, job["timeout_s"], proc.poll, on_record)
        finally:
            kill_group(proc.pid)
            returncode = proc.wait()
            os.close(read_fd)
        return Run(records, returncode, timed_out, tail(output))


def kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def tail(path: Path, limit: int = 2000) -> str:
    try:
        with path.open("rb") as f:
            f.seek(max(0, path.stat().st_size - limit))
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""


def read_records(fd: int, timeout_s: float, poll, on_record=None) -> tuple[list[dict], bool]:
    """JSON lines from the child until it closes the pipe or runs out of time.

    The clock starts at STARTUP_TIMEOUT_S for the imports, then `timeout_s` once the suite is collected.
    """
    records: list[dict] = []
    buffer = b""
    received = 0
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return records, True
            if not sel.select(timeout=min(remaining, 0.5)):
                if poll() is not None and not sel.select(timeout=0):
                    # the child is gone; a grandchild may still hold the pipe open
                    return records, False
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                return records, False
            received += len(chunk)
            if received > RECORDS_CAP_BYTES:
                continue
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                if isinstance(record, dict):
                    records.append(record)
                    if on_record is not None:
                        on_record(record)
                    if record.get("event") == "collected":
                        deadline = time.monotonic() + timeout_s


SIGNAL_MESSAGES = {
    signal.SIGSEGV: "crashed with a segmentation fault (SIGSEGV)",
    signal.SIGBUS: "crashed with a bus error (SIGBUS)",
    signal.SIGABRT: "aborted (SIGABRT)",
    signal.SIGFPE: "crashed with a floating-point exception (SIGFPE)",
    signal.SIGILL: "crashed with an illegal instruction (SIGILL)",
}


def ending(run: Run, job: dict) -> str:
    """Why the run stopped before every test reported, in the user's terms."""
    if run.timed_out:
        return f"timed out after {job['timeout_s']:g} s"
    if any(r.get("event") == "finished" for r in run.records):
        # pytest closed the session itself (we kill the process only after that)
        return "ended the test session before its tests finished: did your code call pytest.exit or raise KeyboardInterrupt?"
    code = run.returncode
    if code is not None and code < 0:
        sig = -code
        if sig == signal.SIGXCPU:
            return f"used more than {job['cpu_s']} s of CPU time"
        if sig == signal.SIGKILL:
            return "was killed (most likely out of memory)"
        return SIGNAL_MESSAGES.get(sig, f"was killed by signal {signal.Signals(sig).name}")
    return (
        f"ended the test process (exit code {code}) before its tests finished: "
        "did your code call sys.exit, os._exit or pytest.exit?"
    )


def verdict(run: Run, job: dict, **base) -> Result:
    """The parent's verdict from the records alone: a test without a record is an error."""
    events = {r.get("event"): r for r in run.records}
    if "import_error" in events:
        return Result("error", f"importing your file failed: {events['import_error'].get('message', '')}", **base)
    collected = events.get("collected")
    if collected is None:
        if run.timed_out:
            return Result("error", f"the grader timed out after {STARTUP_TIMEOUT_S:g} s while starting", **base)
        return Result("error", "the grader could not start the hidden suite:\n" + run.output_tail[-800:], **base)
    results = {r["id"]: r for r in run.records if r.get("event") == "result" and "id" in r}
    started = [r["id"] for r in run.records if r.get("event") == "start"]
    running = started[-1] if started and started[-1] not in results else None
    tests = []
    for t in collected.get("tests", []):
        r = results.get(t["id"])
        if r is not None:
            status = r.get("status") if r.get("status") in EXIT_CODES else "error"
            tests.append(TestResult(t["name"], t["description"], status, str(r.get("message", ""))[:600], int(r.get("duration_ms", 0))))
        else:
            message = f"your code {ending(run, job)}" if t["id"] == running else "not run: the run stopped before this test"
            tests.append(TestResult(t["name"], t["description"], "error", message))
    if not tests:
        return Result("error", "the hidden suite has no tests (a bug in this drill)", **base)
    if len(results) < len(tests):
        where = f" during {running.split('::')[-1]}" if running else " while importing your file" if not started else ""
        return Result("error", f"your code {ending(run, job)}{where}", tests, **base)
    status = "pass" if all(t.status == "pass" for t in tests) else "fail"
    return Result(status, None, tests, **base)
