"""The warm grader: a worker process that imported numpy, torch, pytest and hypothesis once and
forks one fresh child per grading (DESIGN.md, Grading 5). Same job, same runner, same verdicts as
the cold path; a check costs a fraction of a second instead of seconds.

Protocol, JSON lines: parent -> worker `{job}`; worker -> parent `{"event": "ready"}` once, then per
job `{"event": "started", "pid": n}` and `{"event": "exited", "pid": n, "returncode": r}`
(returncode as in subprocess: negative for a signal). Records travel over a FIFO named in the job.
"""

from __future__ import annotations

import gc
import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from postprep.drills.grader import Run, child_env, kill_group, read_records, tail

READY_TIMEOUT_S = 120.0


# --- the worker process ---------------------------------------------------------------------------
def serve() -> None:
    from postprep.drills import runner

    runner.import_frameworks(True)  # imports only: no tensor op runs before a fork
    warm_up_hypothesis()
    # Children inherit this heap; frozen, it is skipped by their gc passes (pytest and hypothesis
    # collect several times per run, which otherwise costs most of a second with torch loaded).
    gc.freeze()
    control_in = sys.stdin
    control_out = os.fdopen(os.dup(1), "w")
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 1)  # stray prints must not corrupt the control channel
    send = lambda **msg: (control_out.write(json.dumps(msg) + "\n"), control_out.flush())  # noqa: E731
    send(event="ready")
    for line in control_in:
        job = json.loads(line)
        pid = os.fork()
        if pid == 0:
            control_out.close()  # only the worker speaks on the control channel; its end marks the worker's death
            child(job, devnull)
        send(event="started", pid=pid)
        _, status = os.waitpid(pid, 0)
        code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        send(event="exited", pid=pid, returncode=code)


def warm_up_hypothesis() -> None:
    """Run one trivial property test, so hypothesis's lazy imports and set-up happen once, here."""
    from hypothesis import given, settings, strategies as st

    @settings(derandomize=True, deadline=None, database=None, max_examples=2)
    @given(st.integers(0, 3))
    def trivial(n: int) -> None:
        pass

    trivial()


def child(job: dict, devnull: int) -> None:
    """In the fork: a session of its own, output to the job's file, then the runner. Never returns."""
    code = 1
    try:
        os.setsid()
        os.chdir(job["cwd"])
        # As in a cold run, where `python -m` puts its own (empty) working directory first: the
        # worker's is the user's (a clone of this repo has solutions/ and drills/ in it), which the
        # candidate must not be able to import from.
        sys.path[0] = job["cwd"]
        out = os.open(job["output_path"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(devnull, 0)
        os.dup2(out, 1)
        os.dup2(out, 2)
        sys.stdin = open(os.devnull)
        sys.stdout = os.fdopen(1, "w", buffering=1)
        sys.stderr = os.fdopen(2, "w", buffering=1)
        os.environ.update(child_env())
        from postprep.drills import runner

        record_fd = os.open(job["records_path"], os.O_WRONLY)
        code = runner.run(job, record_fd)
    finally:
        os._exit(code if isinstance(code, int) and 0 <= code < 256 else 1)


# --- the parent side ------------------------------------------------------------------------------
def kill_child(pid: int) -> None:
    """A grading child and everything it started. It may not have called setsid yet (the worker
    reports a fork at once), so its group may not exist: the pid itself is killed too."""
    kill_group(pid)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


class WarmGrader:
    """Owns one worker; `run(job)` grades through it, restarting it if it died. Thread-safe
    (one grading at a time per worker; a newer run waits for the older, which `cancel` ends)."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen | None = None
        self._events: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._current_pid: int | None = None
        self._ready = threading.Event()
        self._stopped = threading.Event()

    def start(self) -> None:
        """Start the worker in the background (returns at once; imports happen in the worker)."""
        if self._stopped.is_set() or (self._proc is not None and self._proc.poll() is None):
            return
        self._ready.clear()
        self._events = queue.Queue()
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "postprep.drills.worker"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True, start_new_session=True, env=child_env(),
        )
        threading.Thread(target=self._read_events, args=(self._proc, self._events), daemon=True).start()

    def _read_events(self, proc: subprocess.Popen, events: queue.Queue) -> None:
        for line in proc.stdout:
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            if msg.get("event") == "ready":
                self._ready.set()
            else:
                events.put(msg)
        events.put({"event": "worker_died"})

    def wait_ready(self, timeout: float = READY_TIMEOUT_S) -> bool:
        self.start()
        deadline = time.monotonic() + timeout
        while not self._ready.wait(0.05):
            if self._stopped.is_set() or time.monotonic() > deadline:
                return False
        return True

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def stop(self) -> None:
        """For good: the grading in progress ends at once (its child has a session of its own, so
        killing the worker alone would orphan it) and no new worker starts."""
        self._stopped.set()
        self.cancel()
        self._kill_worker()

    def _kill_worker(self) -> None:
        if self._proc is not None:
            kill_group(self._proc.pid)
            self._proc.wait()
            self._proc = None

    def cancel(self) -> None:
        """End the grading in progress, if any (its verdict becomes a cancelled run)."""
        pid = self._current_pid
        if pid:
            kill_child(pid)

    def run(self, job: dict, on_record=None) -> Run:
        with self._lock:
            for attempt in range(2):
                if self._stopped.is_set():
                    break
                if not self.wait_ready():
                    self._kill_worker()
                    continue
                run = self._run_once(job, on_record)
                if run is not None:
                    return run
                self._kill_worker()  # the worker died under us: start a fresh one and try again
            if self._stopped.is_set():
                return Run([], None, False, "grading stopped: the app is closing")
            return Run([], None, False, "the warm grader could not start")

    def _run_once(self, job: dict, on_record) -> Run | None:
        with tempfile.TemporaryDirectory(prefix="postprep-warm-") as tmp:
            records_path, output_path = Path(tmp, "records"), Path(tmp, "output.txt")
            os.mkfifo(records_path, 0o600)
            read_fd = os.open(records_path, os.O_RDONLY | os.O_NONBLOCK)
            try:
                try:
                    self._proc.stdin.write(json.dumps({**job, "records_path": str(records_path),
                                                       "output_path": str(output_path), "cwd": tmp}) + "\n")
                    self._proc.stdin.flush()
                except (BrokenPipeError, OSError):
                    return None
                started = self._events.get()
                if started.get("event") != "started":
                    return None
                pid = self._current_pid = started["pid"]
                exited: dict = {}

                def child_gone():
                    if not exited:
                        try:
                            exited.update(self._events.get_nowait())
                        except queue.Empty:
                            return None
                    return exited.get("returncode", -9)

                try:
                    records, timed_out = read_records(read_fd, job["timeout_s"], child_gone, on_record)
                finally:
                    kill_child(pid)
                    self._current_pid = None
                if not exited:
                    exited.update(self._events.get())
                if exited.get("event") == "worker_died":
                    return None
                return Run(records, exited.get("returncode"), timed_out, tail(output_path))
            finally:
                os.close(read_fd)


if __name__ == "__main__":
    serve()
