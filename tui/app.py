"""The Textual app: `postprep` with no arguments. Built by `make_app`, which the CLI and the tests
share, so tests run the real app with their own home, clock and grader."""

from __future__ import annotations

import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Callable

from textual.app import App
from textual.binding import Binding
from textual.worker import Worker, WorkerState

from postprep.drills.catalog import get_drill
from postprep.tui.commands import DrillCommands
from postprep.tui.screens.base import NAVIGATION


class PostprepApp(App):
    CSS_PATH = Path(__file__).parent / "app.tcss"
    TITLE = "postprep"
    SUB_TITLE = "LLM post-training interview practice"
    COMMANDS = App.COMMANDS | {DrillCommands}
    BINDINGS = [
        *(Binding(key, action, label, id=action.replace("_", "-")) for key, action, label in NAVIGATION),
        Binding("q", "quit", "Quit", id="quit"),
    ]

    def __init__(self, *, clock: Callable[[], datetime] | None = None,
                 monotonic: Callable[[], float] = time.monotonic, grader=None,
                 open_drill: str | None = None, db_path: Path | None = None):
        super().__init__()
        from postprep.progress.home import data_home

        self.clock = clock
        self.monotonic = monotonic
        self.db_path = db_path or data_home() / "progress.db"
        self._grader = grader
        self._owns_grader = grader is None
        self._open_drill = open_drill
        self._stores = threading.local()

    # --- shared services (thread-safe) ----------------------------------------------------------
    def store(self):
        """This thread's connection to progress.db (one per thread, as sqlite wants)."""
        store = getattr(self._stores, "store", None)
        if store is None:
            from postprep.progress.store import Store, utc_now

            store = self._stores.store = Store(self.db_path, self.clock or utc_now)
        return store

    @property
    def thread_store(self):
        """A store that is always the calling thread's own connection (for objects that outlive a thread)."""
        return ThreadStore(self)

    @property
    def grader(self):
        if self._grader is None:
            from postprep.drills.worker import WarmGrader

            self._grader = WarmGrader()
        return self._grader

    def now(self) -> datetime:
        from datetime import timezone

        return self.clock() if self.clock else datetime.now(timezone.utc)

    # --- lifecycle --------------------------------------------------------------------------------
    def get_default_screen(self):
        from postprep.tui.screens.dashboard import DashboardScreen

        return DashboardScreen()

    def on_mount(self) -> None:
        if self._open_drill:
            self.open_drill(self._open_drill)
        self.call_after_refresh(self.start_grader)

    def start_grader(self) -> None:
        # The worker imports torch in its own process; starting it costs the UI nothing.
        self.run_worker(self.grader.start, thread=True, group="grader-start", exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.report_failure(event.worker)

    def report_failure(self, worker: Worker) -> None:
        """Any worker that fails becomes a visible message, never a crash or a silent stop."""
        import sqlite3

        from postprep.progress.home import StoreError, database_error

        error = worker.error
        if isinstance(error, sqlite3.DatabaseError):  # damage found after opening, as in the CLI
            error = database_error(self.db_path, error)
        if isinstance(error, StoreError):  # the message says what to do; it stays until dismissed
            self.notify(str(error), title="progress.db cannot be used", severity="error", timeout=3600)
        else:
            self.notify(f"{type(error).__name__}: {error}", title=f"{worker.name} failed", severity="error", timeout=10)

    def on_unmount(self) -> None:
        if self._owns_grader and self._grader is not None:
            self._grader.stop()

    # --- navigation ---------------------------------------------------------------------------------
    def action_dashboard(self) -> None:
        from postprep.tui.screens.dashboard import DashboardScreen

        while not isinstance(self.screen, DashboardScreen):
            self.pop_screen()
        self.screen.refresh_data()

    def action_browse_drills(self) -> None:
        from postprep.tui.screens.browser import DrillBrowserScreen

        if not isinstance(self.screen, DrillBrowserScreen):
            self.push_screen(DrillBrowserScreen())

    def action_quiz(self) -> None:
        from postprep.tui.screens.quiz import QuizScreen

        if not isinstance(self.screen, QuizScreen):
            self.push_screen(QuizScreen())

    def action_progress(self) -> None:
        from postprep.tui.screens.progress import ProgressScreen

        if not isinstance(self.screen, ProgressScreen):
            self.push_screen(ProgressScreen())

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        from postprep.tui.screens.mock import MockScreen

        # During a mock interview the only ways out are its own (submit, quit the mock) and quitting.
        if action in {nav for _, nav, _ in NAVIGATION} and any(
                isinstance(s, MockScreen) and s.part is not None for s in self.screen_stack):
            return False
        return True

    def action_mock(self, fmt: str = "mixed", minutes: int = 45) -> None:
        from postprep.tui.screens.mock import MockScreen

        self.push_screen(MockScreen(fmt, minutes))

    def open_design(self, prompt_id: str) -> None:
        from postprep.quiz.design import all_prompts
        from postprep.tui.screens.design import DesignScreen

        self.push_screen(DesignScreen(all_prompts()[prompt_id]))

    def open_drill(self, drill_id: str, framework: str | None = None) -> None:
        from postprep.tui.screens.drill import DrillScreen

        self.push_screen(DrillScreen(get_drill(drill_id), framework))


class ThreadStore:
    def __init__(self, app: PostprepApp):
        self._app = app

    def __getattr__(self, name: str):
        return getattr(self._app.store(), name)


def make_app(**kwargs) -> PostprepApp:
    return PostprepApp(**kwargs)
