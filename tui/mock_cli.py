"""`postprep mock` in the plain terminal: each part against its countdown, one line of input at a
time (Enter submits, e opens $EDITOR, q quits the mock), then the rubric marks and the report."""

from __future__ import annotations

import json
import select
import sys
from pathlib import Path

from rich.console import Console
from rich.markdown import Markdown
from rich.markup import escape
from rich.table import Table

from postprep.tui.mock import Mock, report
from postprep.tui.practice import format_seconds

STATUS_EVERY_S = 30  # how often the countdown line is rewritten in a terminal


class Quit(Exception):
    pass


class Lines:
    """Lines of input with a timeout (a terminal in its usual line mode, or a pipe)."""

    def __init__(self, stream=sys.stdin):
        self.stream = stream
        self.tty = stream.isatty()

    def read(self, timeout_s: float) -> str | None:
        """The next line, None when the time ran out; Quit at the end of input."""
        ready, _, _ = select.select([self.stream], [], [], max(0.0, timeout_s))
        if not ready:
            return None
        line = self.stream.readline()
        if line == "":
            raise Quit
        return line.rstrip("\n")


class TerminalMock:
    def __init__(self, mock: Mock, console: Console, lines: Lines, drills: dict, prompts: dict, cards: dict,
                 quiz_session, edit: bool = False):
        self.mock, self.console, self.lines = mock, console, lines
        self.drills, self.prompts, self.cards = drills, prompts, cards
        self.quiz_session = quiz_session
        self.edit = edit  # open $EDITOR on each design answer (False: the user edits the file elsewhere)

    def run(self) -> None:
        try:
            while (part := self.mock.current()) is not None:
                self.header(part)
                getattr(self, f"run_{part['kind']}")(part)
            self.mock.finish()
        except (Quit, KeyboardInterrupt):
            self.mock.abandon()
            self.console.print("\n[yellow]Mock stopped: recorded as abandoned; your answers so far are kept.[/]")

    def header(self, part: dict) -> None:
        count = len(self.mock.parts())
        self.console.rule(f"Part {part['position'] + 1}/{count} · {part['kind']} · "
                          f"{format_seconds(part['minutes'] * 60)} · {format_seconds(self.mock.seconds_left())} left in all")

    # --- parts --------------------------------------------------------------------------------------
    def run_drill(self, part: dict) -> None:
        drill = self.drills[part["item"]]
        self.console.print(Markdown(f"# {drill.title}\n\n{drill.prompt}"))
        self.console.print(f"\nYour file: [bold]{part['file']}[/] ({part['framework']}). No hints, no solution; "
                           "it is graded as saved when you submit or at zero.")
        how = self.wait(part, "Enter submits · e opens $EDITOR · q quits the mock")
        self.console.print("[dim]Grading …[/]")
        result = self.mock.submit_drill(part, drill, how)
        self.console.print(f"{'Time is up: ' if how == 'timeout' else ''}submitted; "
                           f"{result.passed}/{len(result.tests)} hidden tests pass.")

    def run_design(self, part: dict) -> None:
        prompt = self.prompts[part["item"]]
        self.console.print(Markdown(f"# {prompt.title}\n\n{prompt.scenario}"))
        self.console.print(f"\nYour answer: [bold]{part['file']}[/] (kept as you save it). "
                           "The rubric comes after the last part.")
        if self.edit:
            self.open_editor(Path(part["file"]))
        how = self.wait(part, "Enter submits · e opens $EDITOR again · q quits the mock")
        self.mock.submit_design(part, how)
        self.console.print(f"{'Time is up: ' if how == 'timeout' else ''}answer kept.")

    def run_quiz(self, part: dict) -> None:
        self.console.print("Quick questions: type the answer (or the option's number) and Enter; "
                           "an empty line skips. One line `:q` quits the mock.")
        how = "submitted"
        for card_id in json.loads(part["cards"]):
            card = self.cards.get(card_id)
            if card is None:
                continue
            self.console.print(f"\n[b]{card.question}[/]  [dim]({format_seconds(self.mock.seconds_left(part))} left)[/]")
            for i, option in enumerate(self.mock.options(card), 1):
                self.console.print(f"  {i}. {option}")
            line = self.lines.read(self.mock.seconds_left(part))
            if line is None:
                how = "timeout"
                break
            if line.strip() == ":q":
                raise Quit
            if line.strip():
                self.mock.answer_card(part, card, line, self.quiz_session)
        self.mock.submit_quiz(part, how)
        self.console.print("Time is up." if how == "timeout" else "Answers kept.")

    def wait(self, part: dict, keys: str) -> str:
        """Until Enter ("submitted") or the part's zero ("timeout"); e edits, q quits."""
        self.console.print(f"[dim]{keys}[/]")
        while True:
            left = self.mock.seconds_left(part)
            if left <= 0:
                return "timeout"
            if self.lines.tty:
                self.console.print(f"[b]{format_seconds(left)}[/] left in this part", end="\r")
            line = self.lines.read(min(left, STATUS_EVERY_S))
            if line is None:
                continue
            key = line.strip().lower()
            if key == "":
                return "submitted"
            if key == "q":
                raise Quit
            if key == "e" and part["file"]:
                self.open_editor(Path(part["file"]))

    def open_editor(self, path: Path) -> None:
        """$EDITOR on an answer file; one that cannot start is said, and the clock goes on."""
        from postprep.tui.design_cli import edit
        from postprep.tui.practice import EditorError

        try:
            edit(path)
        except EditorError as exc:
            self.console.print(f"[yellow]{escape(str(exc))}[/]")

    # --- after the clock ------------------------------------------------------------------------------
    def mark_designs(self, keys) -> None:
        """The rubric of every design part that was answered: suggestions first, the user decides."""
        from postprep.tui.design_cli import mark_rubric

        for part in self.mock.parts():
            if part["kind"] != "design" or part["how"] not in ("submitted", "timeout") or part["score"] is not None:
                continue
            prompt = self.prompts[part["item"]]
            self.console.rule(f"Rubric · {prompt.title}")
            try:
                marks, suggested = mark_rubric(prompt, part["answer"] or "", self.console, keys)
            except KeyboardInterrupt:
                self.console.print("[dim]Not marked; the answer is kept.[/]")
                return
            self.mock.mark_design(part, prompt, marks, suggested)


def run_session(mock: Mock, drills: dict, prompts: dict, cards: dict, quiz_session, console: Console,
                as_json: bool, no_edit: bool, lines: Lines | None = None) -> None:
    """A started mock in the terminal, its rubric marks, then its report. With as_json the session
    and the report's text go to stderr, and stdout holds only the JSON report (so it parses)."""
    from postprep.tui.quiz_cli import Keys

    shown = Console(stderr=True, highlight=False) if as_json else console
    s = mock.session
    shown.print(f"Mock #{mock.id}: {s['format']}, {s['minutes']} min, seed {s['seed']}"
                + (f", plan week {s['week']}" if s["week"] else "") + ". The clock is running.")
    lines = lines or Lines()
    runner = TerminalMock(mock, shown, lines, drills, prompts, cards, quiz_session,
                          edit=not no_edit and lines.tty)
    runner.run()
    runner.mark_designs(Keys(lines.stream))
    data = report(mock.store, mock.id, drills, prompts, cards)
    print_report(data, shown)
    if as_json:
        print(json.dumps(data, indent=2))


def print_report(data: dict, console: Console) -> None:
    console.rule(f"Mock #{data['id']} · {data['format']} {data['minutes']} min · {data['status']} · "
                 f"score {data['score']:.0%}")
    table = Table("#", "part", "box", "used", "ended", "score", "detail", box=None)
    for p in data["parts"]:
        if p["kind"] == "drill":
            detail = f"{p['passed']}/{p['total']} tests" if p["total"] is not None else ""
        elif p["kind"] == "design":
            rubric = p.get("rubric")
            detail = (f"{rubric['covered']} covered · {rubric['partly']} partly · {rubric['missed']} missed"
                      if rubric else "not marked")
        else:
            detail = f"{p['passed']}/{p['total']} right" if p["total"] is not None else ""
        score = "-" if p["score"] is None else f"{p['score']:.0%}"
        table.add_row(str(p["position"]), f"{p['kind']}: {p['title']}", format_seconds(p["minutes"] * 60),
                      format_seconds(p["used_s"]), p["how"], score, detail)
    console.print(table)
    if data["review"]:
        console.print("\n[b]Review next[/] (also in `postprep today`):")
        for line in data["review"]:
            console.print(f"  · {line}", markup=False, highlight=False)


def print_history(store, console: Console, as_json: bool, drills, prompts, cards) -> None:
    rows = [report(store, s["id"], drills, prompts, cards) for s in store.mock_sessions()]
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    if not rows:
        console.print("No mock interviews yet. Start one: postprep mock")
        return
    table = Table("#", "started", "format", "minutes", "status", "score", "parts", box=None)
    for r in rows:
        table.add_row(str(r["id"]), r["started_at"][:16].replace("T", " "), r["format"], str(r["minutes"]),
                      r["status"], f"{r['score']:.0%}", parts_summary(r["parts"]))
    console.print(table)


def parts_summary(parts: list[dict]) -> str:
    """Each kind once, counted when more than one: "drill ×2", "drill, design, quiz ×6" (a quiz
    part counts its questions)."""
    counts: dict[str, int] = {}
    for p in parts:
        counts[p["kind"]] = counts.get(p["kind"], 0) + p.get("questions", 1)
    return ", ".join(kind if n == 1 else f"{kind} ×{n}" for kind, n in counts.items())
