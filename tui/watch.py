"""`postprep drill ID --watch`: re-check the user's file on every save, in the plain terminal."""

from __future__ import annotations

import queue
import threading
from pathlib import Path

DEBOUNCE_MS = 300


def watch_saves(path: Path, saves: queue.Queue, stop: threading.Event) -> threading.Thread:
    """Put one item on `saves` per batch of changes to `path`, from now until `stop` is set.
    Watching starts before this returns, so no save made after it is missed."""
    from watchfiles import watch

    started = threading.Event()

    def run() -> None:
        changes = watch(path.parent, watch_filter=lambda _change, p: Path(p) == path,
                        debounce=DEBOUNCE_MS, stop_event=stop, rust_timeout=500, yield_on_timeout=True)
        for batch in changes:
            started.set()  # the first (empty) timeout batch proves the watcher is up
            if batch:
                saves.put(batch)

    thread = threading.Thread(target=run, daemon=True, name="watch-saves")
    thread.start()
    started.wait(timeout=10)
    return thread


def watch_and_check(store, opened, console, show) -> None:
    """Grade now, then after every save; saves made during a run are coalesced into one re-check.
    Never moves on by itself; Ctrl-C stops."""
    from postprep.drills.worker import WarmGrader
    from postprep.tui.practice import grade_and_record

    grader = WarmGrader()
    grader.start()
    path = opened.path.resolve()
    saves: queue.Queue = queue.Queue()
    stop = threading.Event()
    watch_saves(path, saves, stop)
    console.print(f"[dim]Watching {path}: save it to re-check; Ctrl-C to stop.[/]")
    try:
        while True:
            console.print(f"[dim]Grading {path.name} ... (saves meanwhile re-check once it ends)[/]")
            result, row = grade_and_record(store, opened.drill, path, None, run=grader.run)
            show(result, row["elapsed_s"])
            console.print(f"[dim]Waiting for the next save of {path.name} ...[/]")
            saves.get()
            while not saves.empty():  # several saves while we graded: one re-check
                saves.get_nowait()
            console.rule()
    except KeyboardInterrupt:
        console.print("[dim]Stopped watching.[/]")
    finally:
        stop.set()
        grader.stop()
