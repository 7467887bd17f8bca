"""The base of every screen that runs workers."""

from __future__ import annotations

from textual.screen import Screen
from textual.worker import Worker, WorkerState

# The app's keys to its main screens: (key, app action, footer label).
NAVIGATION = (("g", "dashboard", "Dashboard"), ("b", "browse_drills", "Drills"), ("c", "quiz", "Quiz"),
              ("p", "progress", "Progress"), ("m", "mock", "Mock"))


class AppScreen(Screen):
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # A worker's state message goes to the screen that started it and does not bubble: without
        # this, a screen whose data cannot load (a damaged progress.db) would just stay empty.
        if event.state == WorkerState.ERROR:
            self.app.report_failure(event.worker)
