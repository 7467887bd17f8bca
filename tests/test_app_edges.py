"""The app when something is wrong around it: a damaged progress.db, an editor that does not exist;
and the first key a new user presses."""

from __future__ import annotations

from datetime import datetime, timezone

from postprep.tui.app import make_app
from postprep.tui.screens.dashboard import DashboardScreen
from postprep.tui.screens.drill import DrillScreen
from postprep.tui.screens.quiz import QuizScreen

SIZE = (140, 40)
CLOCK = lambda: datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)  # noqa: E731


async def wait_until(pilot, predicate, timeout: float = 60.0) -> None:
    waited = 0.0
    while not predicate():
        assert waited < timeout, f"timed out: {pilot.app.screen_stack}"
        await pilot.pause(0.05)
        waited += 0.05


def notices(app) -> str:
    return " ".join(f"{n.title} {n.message}" for n in app._notifications)


async def test_a_damaged_database_is_said_and_left_alone(warm, isolated_home):
    isolated_home.mkdir(parents=True)
    db = isolated_home / "progress.db"
    db.write_bytes(b"not a database" * 500)
    app = make_app(clock=CLOCK, grader=warm)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: "progress.db cannot be used" in notices(app))
        assert "move it away" in notices(app)
        await pilot.press("c")  # the quiz cannot load either: said again, not "Loading" for ever
        await wait_until(pilot, lambda: isinstance(app.screen, QuizScreen) and len(app._notifications) >= 2)
    assert db.read_bytes() == b"not a database" * 500


async def test_damage_found_after_opening_gets_the_same_message(warm, isolated_home):
    import sqlite3

    from postprep.progress.store import Store

    Store(isolated_home / "progress.db").close()
    app = make_app(clock=CLOCK, grader=warm)
    async with app.run_test(size=SIZE) as pilot:
        worker = app.run_worker(lambda: (_ for _ in ()).throw(sqlite3.DatabaseError("database disk image is malformed")),
                                thread=True, exit_on_error=False)
        await wait_until(pilot, lambda: worker.is_finished and "progress.db cannot be used" in notices(app))
        assert "malformed" in notices(app) and "move it away" in notices(app)


async def test_an_editor_that_is_not_a_program_is_a_notice(warm, monkeypatch):
    monkeypatch.setenv("VISUAL", "no-such-editor-anywhere --wait")
    app = make_app(clock=CLOCK, grader=warm)
    async with app.run_test(size=SIZE) as pilot:
        app.open_drill("top_k")
        await wait_until(pilot, lambda: isinstance(app.screen, DrillScreen) and app.screen.path is not None)
        await pilot.press("e")
        await wait_until(pilot, lambda: "Cannot start the editor 'no-such-editor-anywhere --wait'" in notices(app))
        await pilot.press("g")  # the app still answers
        await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen))


async def test_enter_on_a_fresh_dashboard_opens_the_first_item(warm):
    app = make_app(clock=CLOCK, grader=warm)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.screen.query_one("#agenda").option_count > 0)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, QuizScreen))
