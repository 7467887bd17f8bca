"""The first screen: today's agenda and recent attempts, and the way to every screen."""

from __future__ import annotations

from datetime import datetime

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Header, Label, OptionList
from textual.widgets.option_list import Option

from postprep.drills.catalog import all_drills
from postprep.tui.practice import format_seconds
from postprep.tui.screens.base import AppScreen

ICONS = {"pass": "✓", "fail": "✗", "error": "!"}


class DashboardScreen(AppScreen):
    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="dashboard"):
            with Vertical(id="agenda-panel", classes="panel"):
                yield Label("Today", classes="panel-title", id="agenda-title")
                yield OptionList(id="agenda")
                yield Label("enter opens the highlighted item · ctrl+p every command", classes="help-line")
            with Vertical(id="recent-panel", classes="panel"):
                yield Label("Recent attempts", classes="panel-title")
                yield DataTable(id="recent", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#recent", DataTable)
        for label, width in (("when", 12), ("drill", 13), ("verdict", 8), ("tests", 5), ("time", 5)):
            table.add_column(label, width=width)  # fixed: rows arrive from a worker
        # After the first paint: opening the database imports sqlite-utils (and numpy through it).
        self.call_after_refresh(self.refresh_data)

    def on_screen_resume(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="dashboard", exit_on_error=False)
    def load(self) -> None:
        from postprep.progress.home import data_home
        from postprep.quiz.decks import load_decks
        from postprep.tui.practice import today

        store = self.app.store()
        decks, _ = load_decks(data_home() / "decks")
        agenda = today(store, list(all_drills().values()), [c for d in decks for c in d.cards])
        attempts = store.attempts(limit=12)
        self.app.call_from_thread(self.show, agenda, attempts)

    def show(self, agenda, attempts) -> None:
        title = f"Today · {agenda.heading}"
        self.query_one("#agenda-title", Label).update(title)
        options = self.query_one("#agenda", OptionList)
        options.clear_options()
        for item in agenda.items:
            options.add_option(Option(f"[b]{item.action:<9}[/b]{item.title}\n[dim]{' ' * 9}"
                                      f"{item.drill.id + ' · ' if item.drill else ''}{item.reason}[/dim]", id=item.key))
        if agenda.overdue_left:
            options.add_option(Option(f"[dim]{agenda.overdue_left} more overdue drills: about "
                                      f"{agenda.catch_up_days} days to catch up at this pace[/dim]", disabled=True))
        if not agenda.items:
            options.add_option(Option("Nothing due today. Redo a drill from the browser (b).", disabled=True))
        elif options.highlighted is None:
            options.highlighted = 0  # Enter opens the first item straight away
        table = self.query_one("#recent", DataTable)
        table.clear()
        for a in attempts:
            when = datetime.fromisoformat(a["at"]).astimezone().strftime("%b %d %H:%M")
            elapsed = format_seconds(a["elapsed_s"])
            table.add_row(when, a["drill"], f"{ICONS.get(a['status'], '?')} {a['status']}",
                          f"{a['passed']}/{a['total']}", elapsed)
        if not attempts:
            table.add_row("-", "none yet", "", "", "")

    @on(OptionList.OptionSelected, "#agenda")
    def open_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == "quiz":
            self.app.action_quiz()
        elif event.option.id.startswith("design:"):
            self.app.open_design(event.option.id.removeprefix("design:"))
        elif event.option.id == "mock":
            self.app.action_mock()
        elif event.option.id:
            self.app.open_drill(event.option.id)
