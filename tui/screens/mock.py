"""A mock interview in the app: the countdowns of the part and of the whole session always on top,
one part at a time (drill file, design text area, quick questions), no hints and no solutions;
at zero the part is submitted as it stands; then the rubric marks and the report."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, Markdown, Static

from postprep.tui.practice import format_seconds


@dataclass
class Then(Message):
    """A result from the session's thread, for a callback on the UI thread."""

    callback: object
    result: object


class MockScreen(Screen):
    BINDINGS = [
        Binding("ctrl+s", "submit", "Submit part", priority=True),
        Binding("e", "edit", "Edit file"),
        Binding("escape", "quit_mock", "Quit mock"),
    ]

    def __init__(self, fmt: str = "mixed", minutes: int = 45, seed: int | None = None):
        super().__init__()
        self.fmt, self.minutes, self.seed = fmt, minutes, seed
        self.mock = None  # tui.mock.Mock once started
        self.part: dict | None = None
        self.deadline: datetime | None = None
        self.end_at: datetime | None = None
        self.busy = False  # a part is being submitted (the clock and the key must not both submit it)
        self.quiz_session = None
        self.cards_left: list[str] = []
        self.count = 0
        self.drills, self.prompts, self.card_by_id = {}, {}, {}

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="mock-bar"):
            yield Label("Mock interview · composing …", id="mock-title")
            yield Static("", id="mock-clock")
        yield Label("", id="file-path")
        yield Vertical(id="mock-body")
        yield Footer()

    def on_mount(self) -> None:
        from concurrent.futures import ThreadPoolExecutor

        # Every store access of the session runs on one thread, in order: an answer given just
        # before the zero is recorded before the part that holds it is submitted.
        self.jobs = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mock")
        self.later(self.begin, self.show_part)
        self.set_interval(1 / 2, self.tick)

    def later(self, job, then=None, *args) -> None:
        """Runs job(*args) on the session's thread, then `then(result)` on the UI thread (through a
        message: the session's thread never waits for the UI, so leaving the screen cannot deadlock)."""

        def run():
            try:
                result = job(*args)
            except Exception as exc:  # noqa: BLE001 - shown, never a silent stop
                self.post_message(Then(lambda _: self.notify(f"{type(exc).__name__}: {exc}", title="mock interview",
                                                             severity="error", timeout=10), None))
                return
            if then is not None:
                self.post_message(Then(then, result))

        self.jobs.submit(run)

    @on(Then)
    def run_then(self, message) -> None:
        message.callback(message.result)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "edit":
            return self.part is not None and self.part["kind"] == "drill"
        return True

    # --- starting -------------------------------------------------------------------------------------
    def begin(self):
        import random

        from postprep.drills.catalog import all_drills
        from postprep.progress.home import data_home, workspace_dir
        from postprep.quiz.decks import load_decks
        from postprep.quiz.design import all_prompts
        from postprep.tui import mock as mocks
        from postprep.tui.practice import make_quiz_session

        store = self.app.store()
        decks, _ = load_decks(data_home() / "decks")
        self.cards = [c for d in decks for c in d.cards]
        self.card_by_id = {c.id: c for c in self.cards}
        self.drills, self.prompts = all_drills(), all_prompts()
        if (other := mocks.running(store)) is not None:
            self.post_message(Then(self.refuse, f"A mock interview is already running (#{other['id']})."))
            return None
        seed = self.seed if self.seed is not None else random.randrange(1, 1_000_000)
        found = mocks.material(store, list(self.drills.values()), list(self.prompts.values()), self.cards,
                               random.Random(seed))
        plan = mocks.compose(self.fmt, self.minutes, found)
        session = mocks.start(store, plan, self.fmt, self.minutes, seed, found.week, workspace_dir(),
                              self.drills, self.prompts)
        self.mock = mocks.Mock(self.app.thread_store, session)
        self.count = len(plan)
        self.end_at = self.mock.end_at()
        self.quiz_session = make_quiz_session(self.app.thread_store, self.cards)
        return self.next_part()

    def next_part(self):
        """(current part, its deadline) on the session's thread; (None, None) after the last one."""
        part = self.mock.current()
        return part, self.mock.deadline(part) if part else None

    def refuse(self, message: str) -> None:
        self.notify(message, severity="error")
        self.app.pop_screen()

    # --- one part ---------------------------------------------------------------------------------------
    def show_part(self, found) -> None:
        if found is None:
            return
        self.part, self.deadline = found
        self.busy = False
        self.app.refresh_bindings()  # the app's navigation keys leave the footer while a part runs
        part = self.part
        if part is None:
            self.later(self.mock.finish, lambda _: self.later(self.mock.parts, self.mark_next))
            return
        body = self.query_one("#mock-body", Vertical)
        body.remove_children()
        kind = part["kind"]
        if kind == "drill":
            drill = self.drills[part["item"]]
            title = drill.title
            self.query_one("#file-path", Label).update(f"[dim]your file:[/] {part['file']}  [dim]({part['framework']})[/]")
            body.mount(VerticalScroll(Markdown(drill.prompt), classes="panel", id="mock-prompt"),
                       Static("Write the drill in your file (e opens $EDITOR). No hints, no solution. "
                              "ctrl+s submits; at zero it is graded as saved.", classes="help-line"))
        elif kind == "design":
            from postprep.tui.screens.design import AnswerArea

            prompt = self.prompts[part["item"]]
            title = prompt.title
            self.query_one("#file-path", Label).update(f"[dim]your answer, saved as you type:[/] {part['file']}")
            area = AnswerArea(Path(part["file"]), id="answer", classes="panel")
            body.mount(Horizontal(VerticalScroll(Markdown(f"# {prompt.title}\n\n{prompt.scenario}"),
                                                 classes="panel", id="mock-prompt"), area, id="drill-body"))
            self.call_after_refresh(area.focus)
        else:
            title = "Quick questions"
            self.cards_left = [c for c in json.loads(part["cards"]) if c in self.card_by_id]
            self.query_one("#file-path", Label).update("[dim]type the answer (or the option's number), Enter; "
                                                       "an empty answer skips[/]")
            body.mount(Static("", id="question", classes="panel"), Input(id="quiz-answer", placeholder="your answer"))
            self.call_after_refresh(self.show_card)
        self.query_one("#mock-title", Label).update(
            f"[b]Mock #{self.mock.id}[/b] · part {part['position'] + 1}/{self.count} · {kind}: {title}")
        self.tick()

    def show_card(self) -> None:
        if not self.cards_left:
            self.action_submit()
            return
        card = self.card_by_id[self.cards_left[0]]
        options = "\n".join(f"  {i}. {o}" for i, o in enumerate(self.mock.options(card), 1))
        self.query_one("#question", Static).update(f"[b]{escape(card.question)}[/b]\n{escape(options)}".rstrip())
        answer = self.query_one("#quiz-answer", Input)
        answer.value = ""
        answer.focus()

    @on(Input.Submitted, "#quiz-answer")
    def answered(self, event: Input.Submitted) -> None:
        if self.busy or not self.cards_left:
            return
        card = self.card_by_id[self.cards_left.pop(0)]
        if event.value.strip():
            self.later(self.mock.answer_card, None, self.part, card, event.value, self.quiz_session)
        self.show_card()

    # --- the clock and submitting -------------------------------------------------------------------------
    def tick(self) -> None:
        if self.part is None or self.deadline is None:
            return
        now = self.app.now()
        part_left = (self.deadline - now).total_seconds()
        total_left = (self.end_at - now).total_seconds()
        clock = self.query_one("#mock-clock", Static)
        clock.set_class(part_left < 60, "-over")
        clock.update(f"⏱ part {format_seconds(part_left)} · all {format_seconds(total_left)}")
        if part_left <= 0 and not self.busy:
            self.submit("timeout")

    def action_submit(self) -> None:
        if self.part is not None and not self.busy:
            self.submit("submitted")

    def submit(self, how: str) -> None:
        self.busy = True
        self.notify("Time is up: part submitted as it stands." if how == "timeout" else "Part submitted.", timeout=4)
        part = self.part

        def end():
            self.mock.end_part(part, how, self.drills, run=self.app.grader.run)
            return self.next_part()

        self.later(end, self.show_part)

    def action_edit(self) -> None:
        from postprep.tui.screens.drill import open_in_editor

        if self.part is not None and self.part["kind"] == "drill":
            open_in_editor(self, Path(self.part["file"]))

    # --- the end --------------------------------------------------------------------------------------------
    def action_quit_mock(self) -> None:
        from postprep.tui.screens.solution import Confirm

        if self.mock is None or self.part is None:
            return

        def decided(quit_: bool | None) -> None:
            if quit_ and self.part is not None:
                self.part = None
                self.later(self.mock.abandon, lambda _: self.show_report())

        self.app.push_screen(Confirm("Quit the mock interview? It is recorded as abandoned; your answers so far "
                                     "are kept.", "Quit the mock", "Keep going"), decided)

    def mark_next(self, parts: list[dict]) -> None:
        """The rubric of each answered design part, one after the other, then the report."""
        from postprep.tui.screens.design import RubricScreen

        todo = [p for p in parts if p["kind"] == "design" and p["how"] in ("submitted", "timeout") and p["score"] is None]
        if not todo:
            self.show_report()
            return
        part, rest = todo[0], todo[1:]
        prompt = self.prompts[part["item"]]

        def marked(result) -> None:
            if result is None:
                self.mark_next(rest)
            else:
                self.later(self.mock.mark_design, lambda _: self.mark_next(rest), part, prompt, *result)

        self.app.push_screen(RubricScreen(prompt, part["answer"] or ""), marked)

    def show_report(self) -> None:
        from postprep.tui import mock as mocks

        self.later(lambda: mocks.report(self.app.store(), self.mock.id, self.drills, self.prompts, self.card_by_id),
                   lambda data: self.app.switch_screen(MockReportScreen(data)))

    def on_unmount(self) -> None:
        # Leaving the app mid-mock: what was answered stays, the session is abandoned.
        if self.mock is not None and self.part is not None:
            self.part = None
            self.jobs.submit(self.mock.abandon).result(timeout=30)
        self.jobs.shutdown(wait=False)


def escape(text: str) -> str:
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def report_markdown(data: dict) -> str:
    lines = [f"# Mock #{data['id']}: {data['score']:.0%}",
             f"{data['format']} · {data['minutes']} min · {data['status']} · seed {data['seed']}", "",
             "| # | part | box | used | ended | score | detail |", "|---|---|---|---|---|---|---|"]
    for p in data["parts"]:
        if p["kind"] == "design":
            r = p.get("rubric")
            detail = f"{r['covered']} covered, {r['partly']} partly, {r['missed']} missed" if r else "not marked"
        else:
            detail = f"{p['passed']}/{p['total']} {'tests' if p['kind'] == 'drill' else 'right'}" if p["total"] is not None else ""
        score = "-" if p["score"] is None else f"{p['score']:.0%}"
        lines.append(f"| {p['position']} | {p['kind']}: {p['title']} | {format_seconds(p['minutes'] * 60)} | "
                     f"{format_seconds(p['used_s'])} | {p['how']} | {score} | {detail} |")
    if data["review"]:
        lines += ["", "## Review next", "", *(f"- {r}" for r in data["review"])]
    return "\n".join(lines)


class MockReportScreen(Screen):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def __init__(self, data: dict):
        super().__init__()
        self.data = data

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(classes="panel"):
            yield Markdown(report_markdown(self.data), id="mock-report")
        yield Footer()
