"""The `postprep` command. Nothing heavy at module level: `postprep --help` must stay instant
(torch, numpy, textual and sqlite-utils are imported inside the commands that need them)."""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Column

from postprep.drills.catalog import FRAMEWORKS, Drill, DrillError, all_drills, get_drill
from postprep.progress.home import ConfigError, StoreError, data_home, database_error, workspace_dir
from postprep.tui.practice import EditorError, MockError, format_seconds

console = Console(highlight=False)
err = Console(stderr=True, highlight=False)

app = typer.Typer(
    name="postprep",
    help="Get ready for LLM post-training interviews: timed coding drills graded by hidden tests.",
    epilog=(
        "Examples:\n\n"
        "  postprep drills                      list the drills\n\n"
        "  postprep drill attention --framework torch   start a drill (writes your file, starts the clock)\n\n"
        "  postprep check attention             grade your file against the hidden tests\n\n"
        "  postprep hint attention              the next hint\n\n"
        "  postprep solution attention          the reference, after a pass (or --give-up)"
    ),
    rich_markup_mode="rich",
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
dev_app = typer.Typer(help="Tools for drill authors.", no_args_is_help=True)
app.add_typer(dev_app, name="dev", rich_help_panel="Development")


class UserError(Exception):
    """Bad input: shown as one short message, exit code 2."""


def complete_drill(incomplete: str) -> list[str]:
    return [d for d in all_drills() if d.startswith(incomplete)]


DrillId = Annotated[str, typer.Argument(help="Drill id, e.g. attention.", autocompletion=complete_drill, show_default=False)]
FrameworkOpt = Annotated[Optional[str], typer.Option("--framework", "-f", help="numpy or torch (plain-Python drills have one file).", show_default=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def open_store():
    from postprep.progress.store import Store

    return Store()


def refuse_during_mock(store) -> None:
    from postprep.tui.mock import running

    if (session := running(store)) is not None:
        raise UserError(f"A mock interview is running (#{session['id']}): hints and solutions come back when it ends.")


def version_callback(value: bool) -> None:
    if value:
        from importlib.metadata import version

        console.print(f"postprep {version('postprep')}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    version: Annotated[bool, typer.Option("--version", callback=version_callback, is_eager=True, help="Show the version and exit.")] = False,
) -> None:
    """With no command, open the app (in a terminal) or show this help."""
    if ctx.invoked_subcommand is not None:
        return
    if not (sys.stdout.isatty() and sys.stdin.isatty()):
        console.print(ctx.get_help())
        raise typer.Exit()
    from postprep.tui.app import make_app

    make_app().run()


def id_column(rows: list[dict]) -> Column:
    """The id is what the user types next: never wrapped or cut, whatever the terminal's width."""
    return Column("id", no_wrap=True, min_width=max((len(r["id"]) for r in rows), default=2))


def check_framework(drill: Drill, framework: str | None) -> str | None:
    if framework is None:
        return None
    if framework not in FRAMEWORKS:
        raise UserError(f"--framework must be {', '.join(FRAMEWORKS[:-1])} or {FRAMEWORKS[-1]}, not {framework!r}.")
    if framework not in drill.frameworks:
        raise UserError(f"{drill.id} is written in {' or '.join(drill.frameworks)} only.")
    return framework


# --- drills ---------------------------------------------------------------------------------------
@app.command("drills", rich_help_panel="Drills")
def list_drills(as_json: JsonOpt = False) -> None:
    """List the drills with their pillar, difficulty, target time and your status."""
    store = open_store()
    summaries = store.drill_summaries()
    rows = []
    for d in all_drills().values():
        s = summaries.get(d.id, {"status": "new", "attempts": 0, "best_s": None})
        rows.append({
            "id": d.id, "title": d.title, "pillar": d.pillar, "week": d.week,
            "difficulty": d.difficulty, "minutes": d.minutes, "frameworks": list(d.frameworks),
            "status": s["status"], "attempts": s["attempts"], "best_s": s["best_s"],
        })
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    from rich.table import Table

    style = {"passed": "green", "attempted": "yellow", "started": "cyan", "new": "dim"}
    columns = {
        "title": lambda r: r["title"], "pillar": lambda r: str(r["pillar"]), "difficulty": lambda r: r["difficulty"],
        "target": lambda r: f"{r['minutes']} min", "frameworks": lambda r: "/".join(r["frameworks"]),
        "status": lambda r: f"[{style[r['status']]}]{r['status']}[/]", "best": lambda r: format_seconds(r["best_s"]),
    }
    if console.width < 100:  # an 80-column terminal keeps what a user scans for
        del columns["difficulty"], columns["frameworks"]
    table = Table(id_column(rows), *(Column(c, min_width=16) if c == "title" else c for c in columns), box=None)
    for r in rows:
        table.add_row(r["id"], *(cell(r) for cell in columns.values()))
    console.print(table)


@app.command("drill", rich_help_panel="Drills")
def start_drill(
    drill_id: DrillId,
    framework: FrameworkOpt = None,
    reset: Annotated[bool, typer.Option("--reset", help="Overwrite your file with the starter and restart the clock.")] = False,
    no_tui: Annotated[bool, typer.Option("--no-tui", help="Stay in the plain terminal (the default when output is not a terminal).")] = False,
    watch: Annotated[bool, typer.Option("--watch", help="Plain terminal: re-check your file every time you save it.")] = False,
) -> None:
    """Start a drill: write the starter into your workspace, show the prompt, start the clock."""
    from postprep.tui.practice import open_drill

    drill = get_drill(drill_id)
    framework = check_framework(drill, framework)
    store = open_store()
    opened = open_drill(store, drill, framework, reset)
    if not (no_tui or watch) and sys.stdout.isatty() and sys.stdin.isatty():
        store.close()
        from postprep.tui.app import make_app

        make_app(open_drill=drill.id).run()
        return
    show_opened(opened)
    if watch:
        from postprep.tui.watch import watch_and_check

        watch_and_check(store, opened, console, lambda result, elapsed: show_result(result, drill, elapsed))


def show_opened(opened) -> None:
    from rich.markdown import Markdown

    drill = opened.drill
    console.print(Markdown(drill.prompt))
    console.print()
    if opened.kept:
        console.print(f"Your file (kept; --reset to start over): [bold]{opened.path}[/]")
    else:
        console.print(f"Starter written to: [bold]{opened.path}[/]")
    if opened.new_clock:
        clock = f"Clock started: target {drill.minutes} min."
    elif opened.finished:
        clock = f"You finished this drill; --reset starts it again against the {drill.minutes} min clock."
    else:
        clock = f"Clock running: {format_seconds(opened.elapsed_s)} of {drill.minutes} min target."
    console.print(f"{clock}  Check with: [bold]postprep check {drill.id}[/]")
    if len(drill.frameworks) > 1:
        other = next(f for f in drill.frameworks if f != opened.framework)
        console.print(f"[dim]Framework: {opened.framework} (postprep drill {drill.id} --framework {other} to switch)[/]")


def resolve_file(drill: Drill, file: Path | None, store) -> Path:
    """The file to grade; a missing one is a usage error, not an attempt."""
    if file is not None:
        if not file.expanduser().is_file():
            raise UserError(f"There is no file at {file}: give --file the path of your answer.")
        return file.expanduser()
    session = store.session(drill.id)
    if session is not None:
        if not Path(session.file).is_file():
            raise UserError(f"Your file {session.file} is gone: `postprep drill {drill.id} --reset` writes the starter again.")
        return Path(session.file)
    for framework in drill.frameworks:
        candidate = workspace_dir() / drill.file_name(framework)
        if candidate.exists():
            return candidate
    raise UserError(f"You have no file for {drill.id} yet: run `postprep drill {drill.id}` first, or pass --file PATH.")


@app.command("check", rich_help_panel="Drills")
def check(
    drill_id: DrillId,
    file: Annotated[Optional[Path], typer.Option("--file", help="Grade this file instead of your workspace file.", show_default=False)] = None,
    framework: FrameworkOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Grade your file against the drill's hidden tests. Exit code 0 pass, 1 fail, 2 error."""
    from postprep.tui.practice import grade_and_record

    drill = get_drill(drill_id)
    framework = check_framework(drill, framework)
    store = open_store()
    path = resolve_file(drill, file, store)
    if not as_json:
        err.print(f"[dim]Grading {path} ...[/]")
    result, row = grade_and_record(store, drill, path, framework)
    if as_json:
        print(json.dumps({**result.to_json(), "elapsed_s": row["elapsed_s"], "target_s": drill.minutes * 60,
                          "hints_used": row["hints_used"]}, indent=2))
    else:
        show_result(result, drill, row["elapsed_s"])
    raise typer.Exit(result.exit_code)


def show_result(result, drill: Drill, elapsed_s: float | None) -> None:
    marks = {"pass": "[green]✓[/]", "fail": "[red]✗[/]", "error": "[red]![/]"}
    previous = None
    for t in result.tests:
        line = f" {marks[t.status]} [bold]{t.name}[/]"
        if t.description:
            line += f"  [dim]{escape(t.description)}[/]"
        console.print(line)
        if t.status != "pass" and t.message:
            console.print("     (same as above)" if t.message == previous else f"     {t.message}", markup=False, style="red")
            previous = t.message
    console.print()
    if result.message:
        console.print(f"[bold red]Error:[/] {result.message}")
    from postprep.tui.practice import verdict_line

    console.print(verdict_line(result, elapsed_s, drill))
    if result.status == "pass":
        console.print(f"[dim]See the reference: postprep solution {drill.id}[/]")


@app.command("hint", rich_help_panel="Drills")
def hint(drill_id: DrillId) -> None:
    """Show the next hint of the drill's ladder (recorded with your attempts)."""
    from postprep.tui.practice import next_hint

    drill = get_drill(drill_id)
    store = open_store()
    refuse_during_mock(store)
    taken = next_hint(store, drill)
    if taken is None:
        console.print(f"No more hints (all {len(drill.hints)} used). "
                      f"`postprep solution {drill.id} --give-up` shows the reference.")
        for i, text in enumerate(drill.hints, 1):
            console.print(f"[bold]Hint {i}:[/] {escape(text)}")
        return
    level, text = taken
    console.print(f"[bold]Hint {level}/{len(drill.hints)}:[/] {escape(text)}")


@app.command("solution", rich_help_panel="Drills")
def solution(
    drill_id: DrillId,
    give_up: Annotated[bool, typer.Option("--give-up", help="Show it without passing (recorded as given up).")] = False,
) -> None:
    """Show the reference solution: after you pass, or when you give up."""
    from postprep.tui.practice import solution_open

    drill = get_drill(drill_id)
    store = open_store()
    refuse_during_mock(store)
    if not solution_open(store, drill):
        if not give_up:
            console.print(f"The reference opens after you pass `postprep check {drill.id}`, "
                          f"or with `postprep solution {drill.id} --give-up` (recorded as given up).")
            raise typer.Exit(1)
        store.record_give_up(drill.id)
        console.print("[yellow]Recorded as given up.[/] Try it again later from scratch: "
                      f"postprep drill {drill.id} --reset")
    code = drill.solution.read_text(encoding="utf-8")
    if not console.is_terminal:  # piped or redirected: the file exactly, ready to run
        print(code, end="")
        return
    from rich.syntax import Syntax

    console.print(Syntax(code, "python", line_numbers=False, word_wrap=True))


# --- quiz ---------------------------------------------------------------------------------------
def load_cards(pillar: int | None = None, deck: str | None = None, quiet: bool = False):
    """Every card of the decks (filtered), with broken deck files reported on stderr."""
    from postprep.progress.home import data_home
    from postprep.quiz.decks import load_decks

    decks, problems = load_decks(data_home() / "decks")
    if not quiet:
        for problem in problems:
            err.print(f"[yellow]skipped deck[/] {problem}", markup=True, highlight=False)
    if deck is not None and deck not in {d.id for d in decks}:
        from postprep.drills.catalog import did_you_mean

        raise UserError(f"No deck named {deck!r}.{did_you_mean(deck, [d.id for d in decks])} Run `postprep decks` to list them.")
    if pillar is not None and not 0 <= pillar <= 5:
        raise UserError("--pillar must be 0-5.")
    cards = [c for d in decks for c in d.cards if (deck is None or d.id == deck) and (pillar is None or c.pillar == pillar)]
    if deck is not None and pillar is not None and not cards:
        raise UserError(f"The deck {deck} has no cards of pillar {pillar}: use --deck or --pillar, not both.")
    return decks, cards


def quiz_settings():
    from postprep.progress.home import config
    from postprep.quiz.scheduler import QuizSettings

    raw = config().get("quiz", {})
    try:
        settings = QuizSettings(**{k: raw[k] for k in ("new_per_day", "review_limit", "desired_retention") if k in raw})
    except TypeError as exc:
        raise UserError(f"config.toml [quiz]: {exc}") from None
    if not 0 < settings.desired_retention < 1 or settings.new_per_day < 0 or settings.review_limit < 0:
        raise UserError("config.toml [quiz]: desired_retention must be in (0, 1); limits must be >= 0.")
    return settings


@app.command("quiz", rich_help_panel="Quiz")
def quiz(
    limit: Annotated[Optional[int], typer.Option("--limit", "-n", min=1, help="Stop after this many answers.", show_default=False)] = None,
    pillar: Annotated[Optional[int], typer.Option("--pillar", "-p", help="Only cards of this pillar (0-5).", show_default=False)] = None,
    deck: Annotated[Optional[str], typer.Option("--deck", "-d", help="Only cards of this deck.", show_default=False)] = None,
    due: Annotated[bool, typer.Option("--due", help="Only show today's counts (new, learning, review).")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Today's spaced-repetition session: keys 1-4 rate, Enter/Space reveal, u undo, q stop."""
    from postprep.tui.practice import make_quiz_session
    from postprep.tui.quiz_cli import Keys, TerminalQuiz

    _, cards = load_cards(pillar, deck, quiet=as_json)
    store = open_store()
    session = make_quiz_session(store, cards, quiz_settings())
    if due or as_json:
        counts = session.counts()
        if as_json:
            print(json.dumps({"new": counts.new, "learning": counts.learning, "review": counts.review, "total": counts.total}))
        else:
            console.print(f"Due today: [b]{counts.new}[/] new · [b]{counts.learning}[/] learning · [b]{counts.review}[/] review")
        return
    if not cards:
        raise UserError("No cards match those filters.")
    session.session_id = store.start_quiz_session("cli")
    try:
        TerminalQuiz(session, console, Keys(), limit).run()
    finally:
        store.end_quiz_session(session.session_id)


@app.command("decks", rich_help_panel="Quiz")
def list_decks(as_json: JsonOpt = False) -> None:
    """The quiz decks with their card counts and how many of the guide's topics they cover."""
    from collections import Counter

    from postprep.quiz.decks import topics

    decks, _ = load_cards(quiet=as_json)
    rows = []
    for d in decks:
        kinds = Counter(c.kind for c in d.cards)
        pillar_topics = {t.id for t in topics().values() if t.pillar == d.pillar}
        covered = pillar_topics & {c.topic for c in d.cards}
        rows.append({"id": d.id, "title": d.title, "pillar": d.pillar, "cards": len(d.cards),
                     "recall": kinds["recall"], "choice": kinds["choice"], "short": kinds["short"],
                     "topics_covered": len(covered), "topics": len(pillar_topics),
                     "builtin": d.builtin, "path": str(d.path)})
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    from rich.table import Table

    table = Table("deck", "pillar", "cards", "recall/choice/short", "guide topics", "", box=None)
    for r in rows:
        table.add_row(r["id"], str(r["pillar"]), str(r["cards"]), f"{r['recall']}/{r['choice']}/{r['short']}",
                      f"{r['topics_covered']}/{r['topics']}", "" if r["builtin"] else f"[dim]{r['path']}[/]")
    console.print(table)
    console.print(f"{sum(r['cards'] for r in rows)} cards in {len(rows)} decks.")


@app.command("export", rich_help_panel="Data")
def export(
    target: Annotated[str, typer.Argument(help="A .json path for your progress, or `anki` for the decks.", show_default=False)],
    path: Annotated[Optional[Path], typer.Argument(help="With `anki`: the .apkg file to write.", show_default=False)] = None,
    deck: Annotated[Optional[str], typer.Option("--deck", "-d", help="anki: only this deck.", show_default=False)] = None,
) -> None:
    """`postprep export PATH` writes all your progress as readable JSON; `postprep export anki
    PATH.apkg` writes the decks for Anki (re-exporting updates notes instead of duplicating)."""
    if target == "anki":
        if path is None:
            raise UserError("Say where to write the decks: postprep export anki PATH.apkg")
        return export_anki(path, deck)
    if path is not None or deck is not None:
        raise UserError("To export progress: postprep export PATH.json; for Anki: postprep export anki PATH.apkg")
    from postprep.progress.transfer import export_progress

    out = Path(target).expanduser()
    if not out.parent.is_dir():
        raise UserError(f"The folder {out.parent} does not exist.")
    counts = export_progress(open_store(), out)
    console.print(f"Wrote {sum(counts.values())} rows to [bold]{out}[/] "
                  f"({', '.join(f'{n} {k}' for k, n in counts.items() if n)})")


def export_anki(path: Path, deck: str | None) -> None:
    from postprep.quiz.anki import export_anki as write

    if path.suffix != ".apkg":
        raise UserError(f"{path} must end in .apkg")
    if not path.parent.is_dir():
        raise UserError(f"The folder {path.parent} does not exist.")
    decks, _ = load_cards(deck=deck)
    chosen = [d for d in decks if deck is None or d.id == deck]
    count = write(chosen, path)
    console.print(f"Wrote {count} notes in {len(chosen)} decks to [bold]{path}[/]")


@app.command("import", rich_help_panel="Data")
def import_(path: Annotated[Path, typer.Argument(help="A file made by `postprep export`.", show_default=False)]) -> None:
    """Add the progress of an export to this machine's; rows already here are never duplicated."""
    from postprep.progress.transfer import TransferError, import_progress

    try:
        added = import_progress(open_store(), path.expanduser())
    except TransferError as exc:
        raise UserError(str(exc)) from None
    console.print(f"Added {sum(added.values())} rows" + (f" ({', '.join(f'{n} {k}' for k, n in added.items() if n)})" if any(added.values()) else "; everything was already here."))


@app.command("backup", rich_help_panel="Data")
def backup(path: Annotated[Path, typer.Argument(help="The new file to write.", show_default=False)]) -> None:
    """A consistent copy of progress.db, safe while postprep is running (SQLite's online backup)."""
    from postprep.progress.transfer import TransferError, backup as copy

    try:
        copy(open_store(), path.expanduser())
    except TransferError as exc:
        raise UserError(str(exc)) from None
    console.print(f"Backed up to [bold]{path}[/]")


# --- today and stats -------------------------------------------------------------------------------
@app.command("today", rich_help_panel="Plan")
def today_cmd(as_json: JsonOpt = False) -> None:
    """Today's agenda: due quiz cards, the plan week's drills, catch-up, drills due for re-practice."""
    from postprep.tui.practice import today

    _, cards = load_cards(quiet=as_json)
    agenda = today(open_store(), list(all_drills().values()), cards, quiz_settings())
    if as_json:
        print(json.dumps({
            "week": agenda.week, "focus": agenda.focus, "starts": agenda.starts.isoformat() if agenda.starts else None,
            "overdue_left": agenda.overdue_left,
            "catch_up_days": agenda.catch_up_days,
            "items": [{"action": i.action, "drill": i.drill.id if i.drill else None,
                       "prompt": i.prompt.id if i.prompt else None, "reason": i.reason} for i in agenda.items],
        }, indent=2))
        return
    console.print(f"[b]{escape(agenda.heading[0].upper() + agenda.heading[1:])}[/b]")
    for item in agenda.items:
        what = (f" · postprep drill {item.drill.id}" if item.drill else "" if item.prompt or item.action == "mock"
                else " · postprep quiz")
        console.print(f"  [b]{item.action:<9}[/b] {item.title}  [dim]{item.reason}{what}[/]")
    if agenda.overdue_left:
        console.print(f"  [dim]{agenda.overdue_left} more overdue drills: about {agenda.catch_up_days} days to catch up.[/]")
    if not agenda.items:
        console.print("Nothing due today.")


@app.command("stats", rich_help_panel="Plan")
def stats_cmd(as_json: JsonOpt = False) -> None:
    """Streak, activity calendar, per-pillar mastery and readiness, true retention, time to pass."""
    from postprep.tui.practice import progress_report

    _, cards = load_cards(quiet=as_json)
    settings = quiz_settings()
    report = progress_report(open_store(), list(all_drills().values()), cards, settings.desired_retention)
    if as_json:
        print(json.dumps(report, indent=2))
        return
    from rich.table import Table

    console.print(f"Streak: [b]{report['streak_days']}[/] day(s)")
    shades = "·░▒▓█"
    top = max([d["count"] for d in report["calendar"]] + [1])
    from datetime import date

    console.print("Last 12 weeks, a column per week (darker = more answers and checks):")
    for i in range(7):
        days = report["calendar"][i::7]
        cells = "".join(shades[min(4, -(-4 * d["count"] // top))] for d in days)
        console.print(f"  {date.fromisoformat(days[0]['day']).strftime('%a')} [green]{cells}[/]")
    retention = report["true_retention"]
    console.print(f"True retention (30 days, {report['retention_answers_30d']} review answers): "
                  + (f"[b]{retention:.0%}[/] against a desired {report['desired_retention']:.0%}" if retention is not None else "no reviews yet"))
    table = Table("pillar", "cards seen", "recall", "drills passed", "readiness", box=None)
    for p in report["pillars"]:
        recall = f"{p['card_recall']:.0%}" if p["card_recall"] is not None else "-"
        table.add_row(str(p["pillar"]), f"{p['cards_seen']}/{p['cards']}", recall,
                      f"{p['drills_passed']}/{p['drills']}", p["readiness"])
    console.print(table)
    if report["time_to_pass"]:
        console.print("Time to pass: " + ", ".join(
            f"{t['drill']} {format_seconds(t['elapsed_s'])}" for t in report["time_to_pass"][-8:]))


# --- design prompts -------------------------------------------------------------------------------
def complete_prompt(incomplete: str) -> list[str]:
    from postprep.quiz.design import all_prompts

    return [p for p in all_prompts() if p.startswith(incomplete)]


@app.command("design", rich_help_panel="Design")
def design(
    prompt_id: Annotated[Optional[str], typer.Argument(help="Prompt id; without it, the list.", autocompletion=complete_prompt, show_default=False)] = None,
    no_edit: Annotated[bool, typer.Option("--no-edit", help="Do not open $EDITOR; grade the answer file as it is.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """ML system-design practice: the prompt and a clock, your answer in $EDITOR, then the rubric."""
    from postprep.progress.repractice import design_schedule
    from postprep.quiz.design import all_prompts

    prompts = all_prompts()
    store = open_store()
    if prompt_id is None:
        due = design_schedule(store)
        rows = [{"id": p.id, "title": p.title, "pillar": p.pillar, "week": p.week, "minutes": p.minutes,
                 "answers": len(store.design_answers(p.id)),
                 "due": due[p.id].due.isoformat() if p.id in due else None} for p in prompts.values()]
        if as_json:
            print(json.dumps(rows, indent=2))
            return
        from rich.table import Table

        wide = console.width >= 100  # pillar and week go first on an 80-column terminal
        table = Table(id_column(rows), Column("title", min_width=16), *(["pillar", "week"] if wide else []),
                      "target", "answers", "due again", box=None)
        for r in rows:
            table.add_row(r["id"], r["title"], *([str(r["pillar"]), str(r["week"])] if wide else []),
                          f"{r['minutes']} min", str(r["answers"]), (r["due"] or "-")[:10])
        console.print(table)
        console.print("[dim]Start one: postprep design ID[/]")
        return
    if prompt_id not in prompts:
        from postprep.drills.catalog import did_you_mean

        raise UserError(f"No design prompt named {prompt_id!r}.{did_you_mean(prompt_id, prompts)} Run `postprep design` to list them.")
    from rich.markdown import Markdown

    from postprep.tui.design_cli import answer_file, edit, mark_rubric, report
    from postprep.tui.quiz_cli import Keys

    prompt = prompts[prompt_id]
    started = store.clock()
    path = answer_file(workspace_dir(), prompt)
    console.print(Markdown(f"# {prompt.title}\n\n{prompt.scenario}"))
    console.print(f"Target: {prompt.minutes} min. Your answer: [bold]{path}[/] (saved as you save it).")
    if not no_edit:
        edit(path)
    answer = path.read_text(encoding="utf-8")
    try:
        marks, suggested = mark_rubric(prompt, answer, console, Keys())
    except KeyboardInterrupt:
        console.print(f"[dim]Not scored. Your answer stays in {path}.[/]")
        raise typer.Exit(1)
    result = report(prompt, marks, console)
    store.record_design_answer(prompt.id, started, answer, marks, suggested, result)
    elapsed = (store.clock() - started).total_seconds()
    console.print(f"Recorded: {result:.0%} in {format_seconds(elapsed)} (target {prompt.minutes} min).")


# --- mock interviews ------------------------------------------------------------------------------
@app.command("mock", rich_help_panel="Mock interview")
def mock(
    minutes: Annotated[int, typer.Option("--minutes", "-m", help="Length of the whole session.")] = 45,
    fmt: Annotated[str, typer.Option("--format", help="mixed (drill + design + quick questions), coding, design or quiz.")] = "mixed",
    seed: Annotated[Optional[int], typer.Option("--seed", help="Repeat a composition (the report shows each session's seed).", show_default=False)] = None,
    history: Annotated[bool, typer.Option("--history", help="List past sessions and their scores.")] = False,
    no_edit: Annotated[bool, typer.Option("--no-edit", help="Do not open $EDITOR; edit the files yourself.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """A timed mock interview from the plan week's material: no hints, no solutions, then a report."""
    import random

    from postprep.quiz.design import all_prompts
    from postprep.tui import mock as mocks
    from postprep.tui.mock_cli import print_history, run_session

    store = open_store()
    drills, prompts = all_drills(), all_prompts()
    _, cards = load_cards(quiet=True)
    by_id = {c.id: c for c in cards}
    mocks.close_stale(store)
    if history:
        print_history(store, console, as_json, drills, prompts, by_id)
        return
    mocks.check_options(fmt, minutes)
    if (other := mocks.running(store)) is not None:
        raise UserError(f"A mock interview is already running (#{other['id']}, pid {other['pid']}): finish it there, "
                        "or stop that process (it is then recorded as abandoned).")
    seed = random.randrange(1, 1_000_000) if seed is None else seed
    material = mocks.material(store, list(drills.values()), list(prompts.values()), cards, random.Random(seed))
    plan = mocks.compose(fmt, minutes, material)
    session = mocks.start(store, plan, fmt, minutes, seed, material.week, workspace_dir(), drills, prompts)
    from postprep.tui.practice import make_quiz_session

    run_session(mocks.Mock(store, session), drills, prompts, by_id, make_quiz_session(store, cards, quiz_settings()),
                console, as_json, no_edit)


# --- plan ---------------------------------------------------------------------------------------
plan_app = typer.Typer(help="The guide's nine-week study plan: what each week practises, and how far you are.",
                       invoke_without_command=True)
app.add_typer(plan_app, name="plan", rich_help_panel="Plan")


@plan_app.callback()
def plan_show(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Show the nine weeks, the current one highlighted, each week's material and how much is done."""
    if ctx.invoked_subcommand is not None:
        return
    from postprep.progress.plan import MOCK_WEEK, MOCKS_TARGET, PLAN
    from postprep.tui.practice import plan_week

    store = open_store()
    current = plan_week(store)
    week = current[0] if current else None
    passed = {d for d, s in store.drill_summaries().items() if s["status"] == "passed"}
    decks, cards = load_cards(quiet=True)
    seen = store.seen_cards()
    from postprep.quiz.design import all_prompts

    prompts = all_prompts().values()
    answered = {a["prompt"] for a in store.design_answers()}
    mocks_done = sum(m["status"] == "finished" for m in store.mock_sessions())
    blocks = []
    for block in PLAN:
        drills = [d.id for d in all_drills().values() if block.first_week <= d.week <= block.last_week]
        block_cards = [c.id for c in cards if c.pillar in block.pillars]
        blocks.append({
            "weeks": [block.first_week, block.last_week], "focus": block.focus, "pillars": list(block.pillars),
            "current": week is not None and block.covers(week),
            "drills": drills, "drills_passed": [d for d in drills if d in passed],
            "decks": [d.id for d in decks if d.pillar in block.pillars],
            "cards": len(block_cards), "cards_seen": sum(c in seen for c in block_cards),
            "design": [p.id for p in prompts if block.first_week <= p.week <= block.last_week],
            "design_answered": [p.id for p in prompts if block.first_week <= p.week <= block.last_week and p.id in answered],
            "mocks": MOCKS_TARGET if block.first_week == MOCK_WEEK else 0,
            "mocks_finished": mocks_done if block.first_week == MOCK_WEEK else 0,
        })
    start = store.plan_start()
    if as_json:
        print(json.dumps({"start": start.isoformat() if start else None, "week": week, "blocks": blocks}, indent=2))
        return
    from rich.table import Table

    if start is None:
        console.print("No plan yet: [bold]postprep plan start[/] (today) or [bold]postprep plan start 2026-12-01[/].")
    elif week == 0:
        console.print(f"Your plan starts on {start.isoformat()}.")
    else:
        console.print(f"Week [bold]{week}[/] of 9 (started {start.isoformat()}).")
    table = Table("weeks", "focus", "drills passed", "cards seen", "design answered", "mocks", box=None)
    for b in blocks:
        first, last = b["weeks"]
        label = ("▶ " if b["current"] else "  ") + (f"{first}-{last}" if last > first else f"{first}+")
        style = "bold reverse" if b["current"] else ""
        drills = ", ".join(f"[green]{d}[/]" if d in b["drills_passed"] else d for d in b["drills"]) or "-"
        table.add_row(label, b["focus"], f"{len(b['drills_passed'])}/{len(b['drills'])}  {drills}",
                      f"{b['cards_seen']}/{b['cards']}", f"{len(b['design_answered'])}/{len(b['design'])}",
                      f"{min(b['mocks_finished'], b['mocks'])}/{b['mocks']}" if b["mocks"] else "-", style=style)
    console.print(table)


@plan_app.command("start")
def plan_start(
    start: Annotated[Optional[str], typer.Argument(help="First day, YYYY-MM-DD (default: today).", show_default=False)] = None,
) -> None:
    """Start (or restart) the plan; earlier starts stay in your history."""
    from postprep.progress.plan import parse_start

    store = open_store()
    try:
        day = parse_start(start) if start else store.clock().astimezone().date()
    except ValueError as exc:
        raise UserError(str(exc)) from None
    store.start_plan(day)
    console.print(f"Plan starts on {day.isoformat()}. New quiz cards now come first from the current week's pillars.")


# --- dev --------------------------------------------------------------------------------------------
@dev_app.command("check")
def dev_check(
    drill_ids: Annotated[Optional[list[str]], typer.Option("--drill", help="Only these drills (repeatable).", autocompletion=complete_drill, show_default=False)] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Gradings run at once.")] = 2,
    warm: Annotated[bool, typer.Option("--warm", help="Grade through warm workers: much faster, same verdicts.")] = False,
) -> None:
    """Prove every drill: the reference passes, starters fail, every mutant fails a test, manifests are valid."""
    from postprep.drills.devcheck import check_drills

    drills = [get_drill(d) for d in drill_ids] if drill_ids else list(all_drills().values())

    def show(f) -> None:
        mark = "[green]ok[/]  " if f.ok else "[red]BAD[/] "
        console.print(f"{mark} {f.drill:<16} {f.subject:<34} {f.detail}")

    findings = check_drills(drills, jobs=jobs, on_finding=show, warm=warm)
    bad = [f for f in findings if not f.ok]
    console.print(f"\n{len(drills)} drills, {len(findings)} checks, {len(bad)} problems")
    raise typer.Exit(1 if bad else 0)


def fail(message: str) -> None:
    err.print(f"[red]error:[/] {escape(message)}")
    sys.exit(2)


def main() -> None:
    try:
        app()
    except (UserError, DrillError, ConfigError, StoreError, MockError, EditorError) as exc:
        fail(str(exc))
    except sqlite3.DatabaseError as exc:  # found after opening, e.g. a damaged page
        fail(str(database_error(data_home() / "progress.db", exc)))
    except OSError as exc:  # a folder that cannot be written (read-only, full disk)
        where = f"{exc.filename}: " if exc.filename else ""
        fail(f"{where}{exc.strerror or exc}. postprep needs to write there: check the folder "
             "(POSTPREP_HOME, POSTPREP_WORKSPACE) and try again.")
    except KeyboardInterrupt:
        sys.exit(130)
