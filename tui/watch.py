"""`postprep drill ID --watch`: re-check the user's file on every save, in the plain terminal."""

from __future__ import annotations

from pathlib import Path

DEBOUNCE_MS = 300


def watch_and_check(store, opened, console, show) -> None:
    """Grade now, then after every save (saves during a run are coalesced into one re-check).
    Never moves on by itself; Ctrl-C stops."""
    from watchfiles import watch

    from postprep.drills.worker import WarmGrader
    from postprep.tui.practice import grade_and_record

    grader = WarmGrader()
    grader.start()
    path = opened.path.resolve()
    console.print(f"[dim]Watching {path}: save it to re-check; Ctrl-C to stop.[/]")
    saves = watch(path.parent, watch_filter=lambda _change, p: Path(p) == path,
                  debounce=DEBOUNCE_MS, raise_interrupt=True)
    try:
        while True:
            result, row = grade_and_record(store, opened.drill, path, None, run=grader.run)
            show(result, row["elapsed_s"])
            console.print(f"[dim]Waiting for the next save of {path.name} ...[/]")
            next(saves)  # one watcher throughout: saves made during a run come back as one batch
            console.rule()
    except KeyboardInterrupt:
        console.print("[dim]Stopped watching.[/]")
    finally:
        grader.stop()
