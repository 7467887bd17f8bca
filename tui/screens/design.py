"""A design prompt in the app: the scenario and a clock, the answer in a text area saved to its file
as it is typed, then the rubric (suggestions pre-marked, the user decides) and the score."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Header, Label, Markdown, Static, TextArea

from postprep.tui.widgets.clock import DrillClock
from postprep.tui.screens.base import AppScreen

MARK_STYLE = {"covered": "green", "partly": "yellow", "missed": "red"}


class AnswerArea(TextArea):
    """A text area that writes every change to its file, so nothing typed is ever lost."""

    def __init__(self, path: Path, **kwargs):
        super().__init__(path.read_text(encoding="utf-8"), language="markdown", soft_wrap=True, **kwargs)
        self.path = path

    def on_mount(self) -> None:
        self.move_cursor(self.document.end)  # carry on where the answer stops

    @on(TextArea.Changed)
    def save(self) -> None:
        self.path.write_text(self.text, encoding="utf-8")


class DesignScreen(AppScreen):
    BINDINGS = [
        Binding("ctrl+s", "done", "Done: rubric", priority=True),
        Binding("escape", "app.pop_screen", "Back (answer kept)"),
    ]

    def __init__(self, prompt):
        super().__init__()
        self.prompt = prompt
        self.started = None  # set on mount, from the app's clock

    def compose(self) -> ComposeResult:
        from postprep.progress.home import workspace_dir
        from postprep.tui.design_cli import answer_file

        self.path = answer_file(workspace_dir(), self.prompt)
        yield Header()
        with Horizontal(id="drill-bar"):
            yield Label(f"[b]{self.prompt.title}[/b]  [dim]{self.prompt.id} · pillar {self.prompt.pillar}[/dim]",
                        id="drill-title")
            yield DrillClock(self.prompt.minutes * 60, self.app.monotonic, id="clock")
        yield Label(f"[dim]your answer, saved as you type:[/] {self.path}", id="file-path")
        with Horizontal(id="drill-body"):
            with VerticalScroll(id="prompt-panel", classes="panel"):
                yield Markdown(f"# {self.prompt.title}\n\n{self.prompt.scenario}", id="prompt")
            yield AnswerArea(self.path, id="answer", classes="panel")
        yield Footer()

    def on_mount(self) -> None:
        self.started = self.app.now()
        self.query_one(AnswerArea).focus()

    def action_done(self) -> None:
        answer = self.query_one(AnswerArea).text
        self.app.push_screen(RubricScreen(self.prompt, answer), lambda marked: self.marked(answer, marked))

    def marked(self, answer: str, marked) -> None:
        if marked is not None:
            self.record(answer, *marked)

    @work(thread=True, group="design-record", exit_on_error=False)
    def record(self, answer: str, marks: list[str], suggested: list[str]) -> None:
        from postprep.quiz.design import score

        result = score(self.prompt, marks)
        self.app.store().record_design_answer(self.prompt.id, self.started, answer, marks, suggested, result)
        self.app.call_from_thread(self.app.switch_screen, DesignResultScreen(self.prompt, result))


class RubricScreen(ModalScreen):
    """Marks each rubric point covered, partly or missed. Starts from suggestions (key ideas found in
    the answer's words), clearly labelled; dismisses with (marks, suggestions), or None."""

    BINDINGS = [
        Binding("c", "mark('covered')", "Covered"),
        Binding("p", "mark('partly')", "Partly"),
        Binding("m", "mark('missed')", "Missed"),
        Binding("ctrl+s", "score", "Score", priority=True),
        Binding("escape", "dismiss(None)", "Cancel"),
    ]

    def __init__(self, prompt, answer: str):
        super().__init__()
        from postprep.quiz.design import suggest

        self.prompt = prompt
        self.suggested = suggest(prompt, answer)
        self.marks = list(self.suggested)

    def compose(self) -> ComposeResult:
        with Vertical(id="rubric-box", classes="panel"):
            yield Label(f"Rubric · {self.prompt.title}", classes="panel-title")
            yield Static("[b]Suggestions[/b] come from your answer's words and are only suggestions: "
                         "mark each point yourself with c / p / m, then ctrl+s scores.", id="rubric-help")
            yield DataTable(id="rubric", cursor_type="row", zebra_stripes=True)
            yield Static("", id="rubric-point")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("w", key="weight", width=2)
        table.add_column("point", key="point", width=70)
        table.add_column("suggested", key="suggested", width=10)
        table.add_column("your mark", key="mark", width=10)
        for i, (point, hint) in enumerate(zip(self.prompt.rubric, self.suggested)):
            table.add_row(str(point.weight), point.point, f"[dim]{hint}[/]", self.mark_text(hint), key=str(i))
        table.focus()

    @staticmethod
    def mark_text(mark: str) -> str:
        return f"[{MARK_STYLE[mark]}]{mark}[/]"

    @on(DataTable.RowHighlighted)
    def show_point(self, event: DataTable.RowHighlighted) -> None:
        point = self.prompt.rubric[int(event.row_key.value)]
        self.query_one("#rubric-point", Static).update(f"[b]({point.weight})[/b] {point.point}")

    def action_mark(self, mark: str) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        self.marks[row] = mark
        table.update_cell(str(row), "mark", self.mark_text(mark))
        if row + 1 < table.row_count:
            table.move_cursor(row=row + 1)

    def action_score(self) -> None:
        self.dismiss((list(self.marks), list(self.suggested)))


class DesignResultScreen(AppScreen):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def __init__(self, prompt, result: float):
        super().__init__()
        self.prompt = prompt
        self.result = result

    def compose(self) -> ComposeResult:
        p = self.prompt
        text = (f"# {p.title}: {self.result:.0%}\n\nRecorded; the prompt comes back on a spaced schedule.\n\n"
                "## Common pitfalls\n\n" + "\n".join(f"- {x}" for x in p.pitfalls)
                + "\n\n## Follow-ups an interviewer would ask\n\n" + "\n".join(f"- {x}" for x in p.follow_ups)
                + "\n\n## Sources\n\n" + "\n".join(f"- {x}" for x in p.sources))
        yield Header()
        with VerticalScroll(classes="panel"):
            yield Markdown(text, id="design-result")
        yield Footer()
