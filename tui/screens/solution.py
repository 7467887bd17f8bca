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


class ConfirmGiveUp(ModalScreen[bool]):
    BINDINGS = [Binding("y", "choose(True)", "Give up"), Binding("n,escape", "choose(False)", "Keep going")]

    def __init__(self, drill: Drill):
        super().__init__()
        self.drill = drill

    def compose(self) -> ComposeResult:
        with Grid(id="confirm"):
            yield Label(f"Give up on [b]{self.drill.title}[/b] and see the reference? "
                        "It is recorded as given up; you can redo the drill later.", id="confirm-question")
            yield Button("Give up (y)", variant="error", id="give-up")
            yield Button("Keep going (n)", variant="primary", id="keep-going")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "give-up")

    def action_choose(self, give_up: bool) -> None:
        self.dismiss(give_up)
