"""The reference solution, and the confirmation before giving up."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Header, Label, Markdown

from postprep.drills.catalog import Drill


class SolutionScreen(Screen):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="back")]

    def __init__(self, drill: Drill):
        super().__init__()
        self.drill = drill

    def compose(self) -> ComposeResult:
        yield Header()
        code = self.drill.solution.read_text(encoding="utf-8")
        with VerticalScroll(classes="panel"):
            yield Markdown(f"## Reference: {self.drill.title}\n\n```python\n{code}\n```", id="solution")
        yield Footer()


class Confirm(ModalScreen[bool]):
    """A yes/no question (y / n, or the buttons); dismisses with the answer."""

    BINDINGS = [Binding("y", "choose(True)", "Yes"), Binding("n,escape", "choose(False)", "No")]

    def __init__(self, question: str, yes: str, no: str):
        super().__init__()
        self.question, self.yes, self.no = question, yes, no

    def compose(self) -> ComposeResult:
        with Grid(id="confirm"):
            yield Label(self.question, id="confirm-question")
            yield Button(f"{self.yes} (y)", variant="error", id="yes")
            yield Button(f"{self.no} (n)", variant="primary", id="no")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_choose(self, answer: bool) -> None:
        self.dismiss(answer)


class ConfirmGiveUp(Confirm):
    def __init__(self, drill: Drill):
        super().__init__(f"Give up on [b]{drill.title}[/b] and see the reference? "
                         "It is recorded as given up; you can redo the drill later.", "Give up", "Keep going")
