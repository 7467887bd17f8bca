"""What the CLI and the app both do with a drill: open it, grade it, hints, the solution.
One place for these rules, so both front ends behave the same."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from postprep.drills.catalog import Drill
from postprep.progress.home import workspace_dir


@dataclass
class OpenedDrill:
    drill: Drill
    framework: str
    path: Path
    kept: bool  # the user's file was already there and left as it was
    new_clock: bool  # a new session (clock) started
    elapsed_s: float


def open_drill(store, drill: Drill, framework: str | None = None, reset: bool = False) -> OpenedDrill:
    """Write the starter unless the user's file exists (or `reset`), and start or resume the clock.

    The clock keeps running across re-opens; it restarts with `reset`, a new file (framework), or
    when the drill was finished (passed or given up) and the file is fresh."""
    session = store.session(drill.id)
    if framework is None:
        framework = session.framework if session and session.framework in drill.frameworks else drill.frameworks[0]
    path = workspace_dir() / drill.file_name(framework)
    path.parent.mkdir(parents=True, exist_ok=True)
    kept = path.exists() and not reset
    if not kept:
        path.write_text(drill.starter(framework).read_text(encoding="utf-8"), encoding="utf-8")
    finished = store.has_passed(drill.id) or store.has_given_up(drill.id)
    new_clock = reset or session is None or session.file != str(path) or (finished and not kept)
    if new_clock:
        session = store.start_drill(drill.id, framework, path)
    return OpenedDrill(drill, framework, path, kept, new_clock, store.elapsed_s(session) or 0.0)


def grade_and_record(store, drill: Drill, path: Path, framework: str | None = None, run=None, on_record=None):
    """Grade one file and record the attempt; returns (result, attempt row)."""
    from postprep.drills.grader import grade

    result = grade(drill, path, framework, run=run, on_record=on_record)
    row = store.record_attempt(drill.id, result.framework, path, result.status, result.passed,
                               len(result.tests), result.message, result.duration_ms)
    return result, row


def next_hint(store, drill: Drill) -> tuple[int, str] | None:
    """Take the next hint of the ladder (recorded); None when all were taken."""
    if store.hints_used(drill.id) >= len(drill.hints):
        return None
    level = store.record_hint(drill.id)
    return level, drill.hints[level - 1]


def solution_open(store, drill: Drill) -> bool:
    return store.has_passed(drill.id) or store.has_given_up(drill.id)


NEW = {"status": "new", "attempts": 0, "best_s": None, "last_at": None}


@dataclass
class AgendaItem:
    drill: Drill
    action: str  # "continue" | "start" | "redo"
    reason: str


def drill_agenda(drills: list[Drill], summaries: dict[str, dict], limit: int = 6) -> list[AgendaItem]:
    """Today's drills: unfinished ones first (continue where you left off), then new ones in study
    order, then passed ones to redo (the longest untouched first, or those over their target)."""
    started, new, passed = [], [], []
    for drill in drills:
        s = summaries.get(drill.id, NEW)
        if s["status"] in ("started", "attempted"):
            started.append(AgendaItem(drill, "continue", f"{s['attempts']} checks so far, not passed yet"))
        elif s["status"] == "new":
            new.append(AgendaItem(drill, "start", f"week {drill.week} · {drill.minutes} min target"))
        else:
            over = s["best_s"] is not None and s["best_s"] > drill.minutes * 60
            reason = "best time over the target: beat it" if over else "passed: redo it from memory"
            passed.append((not over, s["last_at"] or "", AgendaItem(drill, "redo", reason)))
    redo = [item for *_, item in sorted(passed, key=lambda t: (t[0], t[1]))]
    return (started + new + redo)[:limit]


def plan_week(store):
    """(week, block) of the plan in force today, or None without a plan (week 0 = not started yet)."""
    from postprep.progress.plan import block_of, week_of

    start = store.plan_start()
    if start is None:
        return None
    week = week_of(start, store.clock().astimezone().date())
    return week, block_of(week)


def make_quiz_session(store, cards, settings=None):
    """Today's quiz: new cards come first from the pillars of the current plan week, if any."""
    from postprep.quiz.scheduler import QuizSession, QuizSettings

    current = plan_week(store)
    preferred = current[1].pillars if current and current[0] >= 1 else ()
    return QuizSession(store, cards, store.clock, settings or QuizSettings(), preferred_pillars=preferred)


def verdict_line(result, elapsed_s: float | None, drill: Drill) -> str:
    """The one-line summary of a grading, in rich markup: verdict, tests, time against the target."""
    style = "green" if result.status == "pass" else "red"
    text = f"[b {style}]{result.status.upper()}[/]"
    if result.tests:
        text += f"  {result.passed}/{len(result.tests)} tests passed"
    if elapsed_s is not None:
        seconds = max(0, int(elapsed_s))
        text += f"  ·  {seconds // 60}:{seconds % 60:02d} of {drill.minutes}:00 target"
    return text + f"  ·  graded in {result.duration_ms / 1000:.2f} s"
