"""Progress at a glance: streak, activity calendar, per-pillar readiness, retention, time to pass."""

from __future__ import annotations

from datetime import date

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Header, Label, Static
from postprep.tui.screens.base import AppScreen

SHADES = "·░▒▓█"


class ProgressScreen(AppScreen):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="back")]

    def compose(self) -> ComposeResult:
        from textual_plotext import PlotextPlot

        yield Header()
        yield Label("Gathering your history …", id="progress-summary")
        with Horizontal(id="progress-body"):
            with Vertical(classes="panel", id="progress-left"):
                yield Label("Activity, last 12 weeks", classes="panel-title")
                yield Static("", id="heatmap")
                yield Label("Pillars", classes="panel-title")
                yield DataTable(id="pillars", cursor_type="row")
            with Vertical(classes="panel", id="progress-right"):
                yield PlotextPlot(id="time-to-pass")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#pillars", DataTable)
        # fixed widths: the rows arrive from a worker, and the layout must not depend on when
        for label, width in (("pillar", 6), ("cards seen", 10), ("recall", 6), ("drills", 6), ("readiness", 11)):
            table.add_column(label, width=width)
        self.gather()

    @work(thread=True, exclusive=True, group="progress", exit_on_error=False)
    def gather(self) -> None:
        from postprep.drills.catalog import all_drills
        from postprep.progress.home import data_home
        from postprep.quiz.decks import load_decks
        from postprep.tui.practice import progress_report

        decks, _ = load_decks(data_home() / "decks")
        report = progress_report(self.app.store(), list(all_drills().values()), [c for d in decks for c in d.cards])
        self.app.call_from_thread(self.show, report)

    def show(self, report: dict) -> None:
        retention = report["true_retention"]
        text = f"Streak [b]{report['streak_days']}[/] day(s) · true retention "
        text += (f"[b]{retention:.0%}[/] (desired {report['desired_retention']:.0%}, "
                 f"{report['retention_answers_30d']} review answers in 30 days)" if retention is not None else "- (no reviews yet)")
        self.query_one("#progress-summary", Label).update(text)
        calendar = report["calendar"]
        top = max([d["count"] for d in calendar] + [1])
        lines = []
        for i in range(7):
            days = calendar[i::7]
            cells = "".join(SHADES[min(4, -(-4 * d["count"] // top))] * 2 for d in days)
            lines.append(f"{date.fromisoformat(days[0]['day']).strftime('%a')} [green]{cells}[/]")
        self.query_one("#heatmap", Static).update("\n".join(lines))
        table = self.query_one("#pillars", DataTable)
        table.clear()
        for p in report["pillars"]:
            recall = f"{p['card_recall']:.0%}" if p["card_recall"] is not None else "-"
            table.add_row(str(p["pillar"]), f"{p['cards_seen']}/{p['cards']}", recall,
                          f"{p['drills_passed']}/{p['drills']}", p["readiness"])
        plot = self.query_one("#time-to-pass")
        plt = plot.plt
        plt.clear_data()
        passes = report["time_to_pass"]
        plt.title("Drill time to pass (minutes)" if passes else "Drill time to pass: no passes yet")
        if passes:
            plt.plot(list(range(1, len(passes) + 1)), [round(t["elapsed_s"] / 60, 1) for t in passes], marker="dot")
            plt.xlabel("pass #")
        plot.refresh()
