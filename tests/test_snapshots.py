"""How the app looks, at a fixed size, with a frozen clock and an empty history.

Regenerate after an intended change with `pytest tests/test_snapshots.py --snapshot-update`, and
look at the report before committing the new SVGs.
"""

from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest

from postprep.tui.app import make_app
from postprep.tui.screens.drill import DrillScreen

SIZE = (120, 34)
WORKSPACE = Path("/tmp/postprep-snapshot/workspace")  # printed on the drill screen: must not vary



@pytest.fixture
def app(warm):
    return make_app(clock=lambda: datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc), monotonic=lambda: 100.0, grader=warm)


async def settle(pilot, predicate=lambda: True) -> None:
    for _ in range(400):
        await pilot.pause(0.05)
        if predicate() and not [w for w in pilot.app.workers if w.group != "grader-start" and w.is_running]:
            break
    await pilot.pause(0.5)
    await pilot.wait_for_scheduled_animations()


def test_dashboard(snap_compare, app):
    async def loaded(pilot):
        await settle(pilot, lambda: pilot.app.screen.query_one("#agenda").option_count > 0)

    assert snap_compare(app, terminal_size=SIZE, run_before=loaded)


def test_drill_browser(snap_compare, app):
    async def browse(pilot):
        await pilot.press("b")
        await settle(pilot, lambda: pilot.app.screen.query("#drills") and pilot.app.screen.query_one("#drills").row_count > 0)

    assert snap_compare(app, terminal_size=SIZE, run_before=browse)


def test_drill_screen(snap_compare, app, monkeypatch):
    shutil.rmtree(WORKSPACE, ignore_errors=True)
    monkeypatch.setenv("POSTPREP_WORKSPACE", str(WORKSPACE))

    async def open_drill(pilot):
        pilot.app.open_drill("attention")
        await settle(pilot, lambda: isinstance(pilot.app.screen, DrillScreen) and pilot.app.screen.path is not None)

    assert snap_compare(app, terminal_size=SIZE, run_before=open_drill)


def test_quiz_screen(snap_compare, app):
    async def quiz(pilot):
        await pilot.press("c")
        await settle(pilot, lambda: getattr(pilot.app.screen, "card", None) is not None)

    assert snap_compare(app, terminal_size=SIZE, run_before=quiz)


def test_progress_screen(snap_compare, app):
    async def progress(pilot):
        await pilot.press("p")
        await settle(pilot, lambda: "Streak" in str(pilot.app.screen.query_one("#progress-summary").render()))

    assert snap_compare(app, terminal_size=SIZE, run_before=progress)
