"""What the CLI and the app both do with a drill: open it, grade it, hints, the solution.
One place for these rules, so both front ends behave the same."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
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
    finished: bool = False  # the drill was passed or given up; its clock means nothing until --reset


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
    return OpenedDrill(drill, framework, path, kept, new_clock, store.elapsed_s(session) or 0.0,
                       finished and not new_clock)


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


class MockError(ValueError):
    """Bad mock-interview options or state; the message says what to do."""


class EditorError(ValueError):
    """$VISUAL / $EDITOR is not a program we can start."""


def editor_command(path: Path) -> list[str]:
    """$VISUAL or $EDITOR (vi when neither is set) on `path`, checked before anything is suspended."""
    import os
    import shlex
    import shutil

    chosen = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    try:
        command = shlex.split(chosen)
    except ValueError:
        command = []
    if not command or shutil.which(command[0]) is None:
        raise EditorError(f"Cannot start the editor {chosen!r}: set $EDITOR to a program on your PATH "
                          f"(e.g. export EDITOR=nano), or edit {path} yourself.")
    return [*command, str(path)]


NEW = {"status": "new", "attempts": 0, "best_s": None, "last_at": None}
DRILLS_PER_DAY = 3  # a realistic day beside the quiz: the plan's drills first, then catch-up


@dataclass
class AgendaItem:
    action: str  # "quiz" | "continue" | "start" | "catch up" | "redo" | "design" | "mock"
    reason: str
    drill: Drill | None = None
    prompt: object | None = None  # a DesignPrompt for "design"

    @property
    def key(self) -> str:
        if self.action == "mock":
            return "mock"
        return self.drill.id if self.drill else f"design:{self.prompt.id}" if self.prompt else "quiz"

    @property
    def title(self) -> str:
        if self.action == "mock":
            return "Mock interview"
        return self.drill.title if self.drill else self.prompt.title if self.prompt else "Today's cards"


@dataclass
class Agenda:
    items: list[AgendaItem]
    week: int | None
    focus: str | None
    overdue_left: int  # overdue drills beyond today's share
    catch_up_days: int
    starts: date | None = None  # a plan that starts later

    @property
    def heading(self) -> str:
        if self.week:
            return f"week {self.week}: {self.focus}"
        if self.starts:
            return f"your plan starts on {self.starts.isoformat()}; until then, drills in study order"
        return "no plan yet (postprep plan start)"


def today(store, drills: list[Drill], cards, settings=None) -> Agenda:
    """Today's practice: due quiz cards, the plan week's drills (or the next ones in study order
    without a plan), at most DRILLS_PER_DAY drills with the overdue ones spread over the coming
    days, and passed drills whose re-practice is due."""
    from postprep.progress.plan import MOCK_WEEK
    from postprep.progress.repractice import drill_schedule

    now = store.clock()
    counts = make_quiz_session(store, cards, settings).counts()
    summaries = store.drill_summaries()
    status = {d.id: summaries.get(d.id, NEW)["status"] for d in drills}
    current = plan_week(store)
    week, block = current if current and current[0] >= 1 else (None, None)
    unpassed = [d for d in drills if status[d.id] != "passed"]
    if block is not None:
        this_week = [d for d in unpassed if block.first_week <= d.week <= block.last_week]
        overdue = [d for d in unpassed if d.week < block.first_week]
    else:
        this_week, overdue = unpassed, []
    this_week.sort(key=lambda d: status[d.id] == "new")  # continue what was started first
    picked = this_week[:DRILLS_PER_DAY - min(len(overdue), 1)] if overdue else this_week[:DRILLS_PER_DAY]
    catch_up = overdue[:DRILLS_PER_DAY - len(picked)]
    items = []
    if counts.total:
        items.append(AgendaItem("quiz", f"{counts.total} cards: {counts.new} new · {counts.learning} learning · {counts.review} review"))
    for d in picked:
        started = status[d.id] in ("started", "attempted")
        items.append(AgendaItem("continue" if started else "start", f"week {d.week} · {d.minutes} min target", d))
    for d in catch_up:
        items.append(AgendaItem("catch up", f"from week {d.week}, overdue · {d.minutes} min target", d))
    targets = {d.id: d.minutes * 60 for d in drills}
    by_id = {d.id: d for d in drills}
    for due in sorted(drill_schedule(store, targets).values(), key=lambda x: x.due):
        if due.due <= now and status.get(due.drill) == "passed":
            items.append(AgendaItem("redo", f"re-practice due (last time: {RATING_WORDS[due.last_rating]})", by_id[due.drill]))
    design = suggested_design(store, block, now)
    if design is not None:
        items.append(design)
    if block is not None and block.first_week == MOCK_WEEK and not mock_finished_today(store, now):
        items.append(AgendaItem("mock", "45 min: a drill, a design prompt, quick questions · postprep mock"))
    left = len(overdue) - len(catch_up)
    per_day = max(1, DRILLS_PER_DAY - len(this_week)) if this_week else DRILLS_PER_DAY
    starts = store.plan_start() if current and current[0] == 0 else None
    return Agenda(items, week, block.focus if block else None, left, -(-left // per_day) if left else 0, starts)


RATING_WORDS = {1: "gave up", 2: "hard", 3: "good", 4: "easy"}


def mock_finished_today(store, now) -> bool:
    from datetime import datetime

    today_ = now.astimezone().date()
    return any(m["status"] == "finished" and datetime.fromisoformat(m["ended_at"]).astimezone().date() == today_
               for m in store.mock_sessions())


def suggested_design(store, block, now) -> AgendaItem | None:
    """One design prompt a day: one due again, else a new one of the plan week (any without a plan)."""
    from postprep.progress.repractice import design_schedule
    from postprep.quiz.design import all_prompts

    prompts = all_prompts()
    schedule = design_schedule(store)
    due = sorted((d.due, key) for key, d in schedule.items() if d.due <= now and key in prompts)
    if due:
        p = prompts[due[0][1]]
        return AgendaItem("design", f"due again · postprep design {p.id}", prompt=p)
    fresh = [p for p in prompts.values() if p.id not in schedule
             and (block is None or block.first_week <= p.week <= block.last_week)]
    if fresh:
        return AgendaItem("design", f"{fresh[0].minutes} min · postprep design {fresh[0].id}", prompt=fresh[0])
    return None


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


def format_seconds(seconds: float | None) -> str:
    """m:ss, or h:mm:ss past an hour; "-" for no time."""
    if seconds is None:
        return "-"
    seconds = max(0, int(seconds))
    if seconds >= 3600:
        return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    return f"{seconds // 60}:{seconds % 60:02d}"


def verdict_line(result, elapsed_s: float | None, drill: Drill) -> str:
    """The one-line summary of a grading, in rich markup: verdict, tests, time against the target."""
    style = "green" if result.status == "pass" else "red"
    text = f"[b {style}]{result.status.upper()}[/]"
    if result.tests:
        text += f"  {result.passed}/{len(result.tests)} tests passed"
    if elapsed_s is not None:
        text += f"  ·  {format_seconds(elapsed_s)} of {format_seconds(drill.minutes * 60)} target"
    return text + f"  ·  graded in {result.duration_ms / 1000:.2f} s"


def progress_report(store, drills: list[Drill], cards, desired_retention: float = 0.9, weeks: int = 12) -> dict:
    """Everything `postprep stats` and the progress screen show, computed from the rows."""
    from datetime import timedelta

    from postprep.progress import stats

    now = store.clock()
    days = stats.activity(store, now)
    today_ = (now.astimezone() - timedelta(hours=4)).date()
    recall = stats.retrievabilities(store, now)
    passed = {d for d, s in store.drill_summaries().items() if s["status"] == "passed"}
    cards_by_pillar: dict[int, list[str]] = {}
    for c in cards:
        cards_by_pillar.setdefault(c.pillar, []).append(c.id)
    drills_by_pillar: dict[int, list[str]] = {}
    for d in drills:
        drills_by_pillar.setdefault(d.pillar, []).append(d.id)
    retention, answers = stats.true_retention(store, now - timedelta(days=30))
    first = today_ - timedelta(days=7 * weeks - 1)
    return {
        "streak_days": stats.streak(days, today_),
        "calendar": [{"day": (first + timedelta(days=i)).isoformat(), "count": days.get(first + timedelta(days=i), 0)}
                     for i in range(7 * weeks)],
        "pillars": stats.pillar_mastery(cards_by_pillar, drills_by_pillar, recall, passed),
        "true_retention": retention, "retention_answers_30d": answers, "desired_retention": desired_retention,
        "time_to_pass": stats.time_to_pass(store),
    }
