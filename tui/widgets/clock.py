"""Elapsed time against a target, ticking from a monotonic clock."""

from __future__ import annotations

from textual.widgets import Static

from postprep.tui.practice import format_seconds




class DrillClock(Static):
    """Shows `elapsed / target`; turns to a warning colour past the target."""

    def __init__(self, target_s: float, monotonic, **kwargs):
        super().__init__("", **kwargs)
        self.target_s = target_s
        self.monotonic = monotonic
        self.base_s = 0.0
        self.started = monotonic()

    def on_mount(self) -> None:
        self.tick()
        self.set_interval(1 / 4, self.tick)

    def start_at(self, elapsed_s: float) -> None:
        """The clock already ran `elapsed_s` (a resumed session) and runs on from now."""
        self.base_s = elapsed_s
        self.started = self.monotonic()
        self.tick()

    @property
    def elapsed_s(self) -> float:
        return self.base_s + self.monotonic() - self.started

    def tick(self) -> None:
        elapsed = self.elapsed_s
        self.set_class(elapsed > self.target_s, "-over")
        self.update(f"⏱ {format_seconds(elapsed)} / {format_seconds(self.target_s)}")
