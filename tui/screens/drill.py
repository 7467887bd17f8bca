"""One drill: the prompt, the clock, the user's file, and live grading (key press, or on save)."""

from __future__ import annotations

import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label, Markdown, Static

from postprep.drills.catalog import Drill
from postprep.tui.widgets.clock import DrillClock
from postprep.tui.screens.base import NAVIGATION, AppScreen

MARKS = {"pass": "[green]✓[/]", "fail": "[red]✗[/]", "error": "[red]![/]", "running": "[yellow]…[/]", "pending": "[dim]·[/]"}


@dataclass
class GradingRecord(Message):
    """One record from the grading child (collected / start / result), posted from the worker thread."""

    run: int
    record: dict


@dataclass
class GradingDone(Message):
    run: int
    result: object
    elapsed_s: float | None


@dataclass
class FileSaved(Message):
    pass


class DrillScreen(AppScreen):
    BINDINGS = [
        Binding("ctrl+r", "check", "Check", id="check", priority=True),
        Binding("e", "edit", "Edit file", id="edit"),
        Binding("w", "toggle_watch", "Watch", id="watch"),
        Binding("h", "hint", "Hint", id="hint"),
        Binding("s", "solution", "Solution", id="solution"),
        Binding("escape", "app.pop_screen", "Back", id="back"),
        # The app's other keys still work here but leave the footer to the drill's (it was cut at 120 columns).
        *(Binding(key, f"app.{action}", show=False) for key, action, _ in NAVIGATION),
    ]

    def __init__(self, drill: Drill, framework: str | None = None, mock: bool = False):
        super().__init__()
        self.drill = drill
        self.framework = framework
        self.mock = mock  # mock interview: no hints, no solution
        self.path: Path | None = None
        self.run_id = 0
        self.running = False
        self.pending = False  # a save arrived during a run: check once more afterwards
        self.passed = False
        self.details: dict[str, str] = {}  # row key -> the full text of that test's result
        self.watching: threading.Event | None = None  # the stop event of the watch in progress

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="drill-bar"):
            yield Label(f"[b]{self.drill.title}[/b]  [dim]{self.drill.id} · pillar {self.drill.pillar} · "
                        f"{self.drill.difficulty}[/dim]", id="drill-title")
            yield DrillClock(self.drill.minutes * 60, self.app.monotonic, id="clock")
        yield Label("", id="file-path")
        with Horizontal(id="drill-body"):
            with VerticalScroll(id="prompt-panel", classes="panel"):
                yield Markdown(self.drill.prompt, id="prompt")
            with Vertical(id="results-panel", classes="panel"):
                yield Static("Press ctrl+r to run the hidden tests; e edits your file; w re-checks on every save.",
                             id="verdict")
                yield DataTable(id="results", cursor_type="row", zebra_stripes=True)
                yield Static("", id="test-detail")
                yield Static("", id="hint-box")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#results", DataTable)
        table.add_column("", key="mark", width=2)
        table.add_column("test", key="name")
        table.add_column("", key="detail")
        self.open_file()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if self.mock and action in ("hint", "solution"):
            return False
        return True

    # --- opening ------------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="drill-open", exit_on_error=False)
    def open_file(self) -> None:
        from postprep.tui.practice import open_drill, solution_open

        store = self.app.store()
        opened = open_drill(store, self.drill, self.framework)
        hints = store.hints_used(self.drill.id)
        unlocked = solution_open(store, self.drill)
        self.app.call_from_thread(self._opened, opened, hints, unlocked)

    def _opened(self, opened, hints_used: int, unlocked: bool) -> None:
        self.path, self.framework = opened.path, opened.framework
        self.passed = unlocked
        state = "your file" if opened.kept else "starter written to"
        self.query_one("#file-path", Label).update(f"[dim]{state}:[/] {opened.path}  [dim]({opened.framework})[/]")
        self.query_one(DrillClock).start_at(opened.elapsed_s)
        if hints_used:
            self.show_hints(hints_used)

    # --- grading ------------------------------------------------------------------------------------
    def action_check(self) -> None:
        if self.path is None:
            return
        if self.running:
            self.app.grader.cancel()  # a newer run replaces the one going
        self.run_id += 1
        self.running = True
        self.pending = False
        self.query_one("#verdict", Static).update("[yellow]Grading …[/]")
        self.query_one("#results", DataTable).clear()
        self.grade(self.run_id)

    @work(thread=True, group="grading", exit_on_error=False)
    def grade(self, run: int) -> None:
        from postprep.drills.grader import grade

        result = grade(self.drill, self.path, self.framework, run=self.app.grader.run,
                       on_record=lambda record: self.post_message(GradingRecord(run, record)))
        if run != self.run_id:
            return  # cancelled by a newer run: its verdict (killed) is not an attempt
        row = self.app.store().record_attempt(self.drill.id, result.framework, self.path, result.status,
                                              result.passed, len(result.tests), result.message, result.duration_ms)
        self.post_message(GradingDone(run, result, row["elapsed_s"]))

    @on(GradingRecord)
    def show_record(self, message: GradingRecord) -> None:
        if message.run != self.run_id:
            return  # a cancelled run
        record, table = message.record, self.query_one("#results", DataTable)
        event = record.get("event")
        if event == "collected":
            table.clear()
            for t in record["tests"]:
                table.add_row(MARKS["pending"], t["name"], f"[dim]{t['description']}[/]", key=t["id"])
        elif event == "start" and record["id"] in table.rows:
            table.update_cell(record["id"], "mark", MARKS["running"])
        elif event == "result" and record["id"] in table.rows:
            table.update_cell(record["id"], "mark", MARKS.get(record["status"], "?"))
            if record["status"] != "pass":
                table.update_cell(record["id"], "detail", f"[red]{escape(record['message'])}[/]")

    @on(GradingDone)
    def show_result(self, message: GradingDone) -> None:
        if message.run != self.run_id:
            return
        self.running = False
        result = message.result
        table = self.query_one("#results", DataTable)
        table.clear()
        self.details.clear()
        for t in result.tests:
            detail = f"[dim]{escape(t.description)}[/]" if t.status == "pass" else f"[red]{escape(t.message)}[/]"
            key = f"{message.run}:{t.name}"
            table.add_row(MARKS[t.status], t.name, detail, key=key)
            self.details[key] = f"[b]{t.name}[/b] [dim]{escape(t.description)}[/]" + (
                f"\n[red]{escape(t.message)}[/]" if t.message else "")
        failing = next((i for i, t in enumerate(result.tests) if t.status != "pass"), 0)
        if result.tests:
            table.move_cursor(row=failing)
        self.query_one("#verdict", Static).update(verdict_text(result, message.elapsed_s, self.drill))
        if result.status == "pass":
            self.passed = True
            self.notify("All hidden tests pass. s shows the reference.", title="Passed", timeout=6)
        if self.pending:
            self.action_check()

    @on(DataTable.RowHighlighted, "#results")
    def show_detail(self, event: DataTable.RowHighlighted) -> None:
        self.query_one("#test-detail", Static).update(self.details.get(event.row_key.value, ""))

    # --- editing and watching --------------------------------------------------------------------
    def action_edit(self) -> None:
        if self.path is not None and open_in_editor(self, self.path):
            self.action_check()

    def action_toggle_watch(self) -> None:
        if self.watching is not None:
            self.watching.set()
            self.watching = None
            self.notify("Stopped watching your file.")
        elif self.path is not None:
            self.watching = threading.Event()  # set = stop
            self.watch_file(self.path, self.watching)
            self.notify(f"Watching {self.path.name}: every save re-runs the tests.")

    @work(thread=True, group="watch", exit_on_error=False)
    def watch_file(self, path: Path, stop: threading.Event) -> None:
        import queue

        from postprep.tui.watch import watch_saves

        saves: queue.Queue = queue.Queue()
        watch_saves(path, saves, stop)
        while not stop.is_set():
            try:
                saves.get(timeout=0.5)
            except queue.Empty:
                continue
            self.post_message(FileSaved())

    @on(FileSaved)
    def file_saved(self) -> None:
        if self.running:
            self.pending = True  # saves during a run are coalesced into one re-check
        else:
            self.action_check()

    def on_unmount(self) -> None:
        if self.watching is not None:
            self.watching.set()

    # --- hints and the solution -----------------------------------------------------------------
    def action_hint(self) -> None:
        self.take_hint()

    @work(thread=True, group="hint", exit_on_error=False)
    def take_hint(self) -> None:
        from postprep.tui.practice import next_hint

        taken = next_hint(self.app.store(), self.drill)
        used = taken[0] if taken else len(self.drill.hints)
        self.app.call_from_thread(self.show_hints, used, taken is None)

    def show_hints(self, used: int, exhausted: bool = False) -> None:
        lines = [f"[b]Hint {i}/{len(self.drill.hints)}:[/] {escape(h)}" for i, h in enumerate(self.drill.hints[:used], 1)]
        if exhausted:
            lines.append("[dim]No more hints. s gives up and shows the reference.[/]")
        self.query_one("#hint-box", Static).update("\n".join(lines))

    def action_solution(self) -> None:
        from postprep.tui.screens.solution import ConfirmGiveUp, SolutionScreen

        if self.passed:
            self.app.push_screen(SolutionScreen(self.drill))
            return

        def decided(give_up: bool | None) -> None:
            if give_up:
                self.give_up()

        self.app.push_screen(ConfirmGiveUp(self.drill), decided)

    @work(thread=True, group="give-up", exit_on_error=False)
    def give_up(self) -> None:
        from postprep.tui.screens.solution import SolutionScreen

        self.app.store().record_give_up(self.drill.id)
        self.passed = True
        self.app.call_from_thread(self.app.push_screen, SolutionScreen(self.drill))


def open_in_editor(screen: Screen, path: Path) -> bool:
    """$VISUAL or $EDITOR on `path`, the app suspended meanwhile; False (and a notice) when it cannot run."""
    from postprep.tui.practice import EditorError, editor_command

    try:
        command = editor_command(path)
        with screen.app.suspend():
            # Inside the suspension nothing may escape: the app must always come back.
            failed = None
            try:
                subprocess.run(command, check=False)
            except OSError as exc:
                failed = exc
        if failed:
            raise EditorError(f"Cannot start the editor: {failed}")
    except EditorError as exc:
        screen.notify(str(exc), severity="error", timeout=10)
        return False
    except Exception as exc:  # noqa: BLE001 - no terminal to hand over (tests, some terminals)
        screen.notify(f"Cannot open an editor here ({exc}); edit {path} yourself.", severity="warning")
        return False
    return True


def escape(text: str) -> str:
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def verdict_text(result, elapsed_s: float | None, drill: Drill) -> str:
    from postprep.tui.practice import verdict_line

    text = verdict_line(result, elapsed_s, drill)
    if result.message:
        text += f"\n[red]{escape(result.message)}[/]"
    return text
