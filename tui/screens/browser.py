"""Every drill, with its pillar, difficulty, target and the user's status; filter and search."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Header, Input, Select

from postprep.drills.catalog import all_drills
from postprep.tui.practice import NEW
from postprep.tui.practice import format_seconds
from postprep.tui.screens.base import AppScreen

PILLARS = {0: "0 Foundations", 1: "1 Alignment", 2: "2 Data", 3: "3 Infrastructure", 4: "4 Evaluation", 5: "5 Interview"}
STATUSES = ("new", "started", "attempted", "passed")


class DrillBrowserScreen(AppScreen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("slash", "focus_search", "Search", id="search"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.summaries: dict[str, dict] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="filters"):
            yield Input(placeholder="Search id, title or tag", id="search")
            yield Select([(label, p) for p, label in PILLARS.items()], prompt="All pillars", id="pillar")
            yield Select([(s, s) for s in STATUSES], prompt="Any status", id="status")
        yield DataTable(id="drills", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#drills", DataTable)
        for label, width in (("id", 20), ("title", 40), ("pillar", 15), ("difficulty", 10), ("target", 6),
                             ("status", 9), ("best", 6)):
            table.add_column(label, width=width)  # fixed: long titles must not push the status off screen
        self.show()
        self.load()
        table.focus()

    def on_screen_resume(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="browser", exit_on_error=False)
    def load(self) -> None:
        summaries = self.app.store().drill_summaries()
        self.app.call_from_thread(self._loaded, summaries)

    def _loaded(self, summaries: dict) -> None:
        self.summaries = summaries
        self.show()

    def visible(self):
        query = self.query_one("#search", Input).value.strip().lower()
        pillar = self.query_one("#pillar", Select).value
        status = self.query_one("#status", Select).value
        for drill in all_drills().values():
            s = self.summaries.get(drill.id, NEW)
            if pillar is not Select.NULL and drill.pillar != pillar:
                continue
            if status is not Select.NULL and s["status"] != status:
                continue
            if query and query not in " ".join((drill.id, drill.title.lower(), *drill.tags)):
                continue
            yield drill, s

    def show(self) -> None:
        table = self.query_one("#drills", DataTable)
        table.clear()
        for drill, s in self.visible():
            best = format_seconds(s["best_s"])
            table.add_row(drill.id, drill.title, PILLARS[drill.pillar], drill.difficulty,
                          f"{drill.minutes} min", s["status"], best, key=drill.id)

    @on(Input.Changed, "#search")
    @on(Select.Changed)
    def refilter(self) -> None:
        self.show()

    @on(Input.Submitted, "#search")
    def to_table(self) -> None:
        self.query_one("#drills", DataTable).focus()

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    @on(DataTable.RowSelected, "#drills")
    def open_drill(self, event: DataTable.RowSelected) -> None:
        self.app.open_drill(event.row_key.value)
