"""The real Textual app, driven by its pilot, with a test home, a frozen clock and a shared warm grader."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import suite_size

from postprep.drills.catalog import all_drills, get_drill
from postprep.tui.app import make_app
from postprep.tui.commands import DrillCommands
from postprep.tui.screens.browser import DrillBrowserScreen
from postprep.tui.screens.dashboard import DashboardScreen
from postprep.tui.screens.drill import DrillScreen
from postprep.tui.screens.solution import ConfirmGiveUp, SolutionScreen

ATTENTION = get_drill("attention")
SIZE = (140, 40)



@pytest.fixture
def app(warm):
    return make_app(clock=lambda: datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc), monotonic=lambda: 100.0, grader=warm)


async def wait_until(pilot, predicate, timeout: float = 60.0) -> None:
    waited = 0.0
    while not predicate():
        assert waited < timeout, f"timed out waiting for the app: {pilot.app.screen_stack}, {[(w.name, w.state, w.error) for w in pilot.app.workers]}"
        await pilot.pause(0.05)
        waited += 0.05


async def open_attention(app, pilot) -> DrillScreen:
    app.open_drill("attention")
    await wait_until(pilot, lambda: isinstance(app.screen, DrillScreen) and app.screen.path is not None)
    return app.screen


async def check(pilot, screen: DrillScreen) -> str:
    before = screen.run_id
    await pilot.press("ctrl+r")
    await wait_until(pilot, lambda: screen.run_id > before and not screen.running)
    return str(screen.query_one("#verdict").render())


def db_rows(home: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(home / "progress.db") as conn:
        return conn.execute(sql).fetchall()


async def test_opens_on_the_dashboard_with_the_agenda(app):
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen) and app.screen.query_one("#agenda").option_count)
        agenda = app.screen.query_one("#agenda")
        ids = [agenda.get_option_at_index(i).id for i in range(agenda.option_count)]
        assert ids[0] == "quiz" and "15 cards: 15 new" in str(agenda.get_option_at_index(0).prompt)
        assert ids[1] == "attention" and set(ids[1:-1]) <= set(all_drills())
        assert ids[-1].startswith("design:")  # one design prompt a day
        recent = app.screen.query_one("#recent")
        assert recent.get_row_at(0)[1] == "none yet"


async def test_browse_filter_and_search_drills(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("b")
        await wait_until(pilot, lambda: isinstance(app.screen, DrillBrowserScreen))
        screen = app.screen
        table = screen.query_one("#drills")
        assert table.row_count == len(all_drills())
        screen.query_one("#pillar").value = 1
        await pilot.pause()
        assert [r.value for r in table.rows] == [d.id for d in all_drills().values() if d.pillar == 1]
        screen.query_one("#pillar").clear()
        await pilot.press("slash", *"beam")
        await pilot.pause()
        assert [r.value for r in table.rows] == ["beam_search"]
        screen.query_one("#search").value = ""
        screen.query_one("#status").value = "passed"
        await pilot.pause()
        assert table.row_count == 0
        screen.query_one("#status").value = "new"
        await pilot.pause()
        assert table.row_count == len(all_drills())
        table.focus()
        table.move_cursor(row=0)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DrillScreen))
        assert app.screen.drill.id == next(iter(all_drills()))


async def test_check_a_wrong_then_a_correct_file(app, workspace, isolated_home):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_attention(app, pilot)
        assert screen.path == workspace / "attention_numpy.py"
        assert screen.path.read_text() == ATTENTION.starter("numpy").read_text()

        screen.path.write_text((ATTENTION.folder / "mutants" / "unstable_softmax.py").read_text())
        verdict = await check(pilot, screen)
        total = suite_size(ATTENTION, "numpy")
        assert verdict.startswith("FAIL") and f"{total - 2}/{total} tests" in verdict
        table = screen.query_one("#results")
        rows = {table.get_row_at(i)[1]: table.get_row_at(i) for i in range(table.row_count)}
        assert "nan" in str(rows["test_large_scores_are_stable"][2])
        assert "✓" in str(rows["test_worked_example"][0])

        screen.path.write_text(ATTENTION.solution.read_text())
        verdict = await check(pilot, screen)
        assert verdict.startswith("PASS") and f"{total}/{total} tests" in verdict
    assert db_rows(isolated_home, "select status, passed from attempts order by id") == [("fail", total - 2), ("pass", total)]


@pytest.mark.parametrize("source, words", [
    ("def scaled_dot_product_attention(q, k, v, mask=None)\n", "syntax error at line 1"),
    ("import torch.nn.functional as F\nscaled_dot_product_attention = F.scaled_dot_product_attention\n", "forbids"),
    ("import ctypes\ndef scaled_dot_product_attention(q, k, v, mask=None):\n    ctypes.string_at(0)\n", "segmentation fault"),
    ("import numpy as np\n", "does not define scaled_dot_product_attention"),
])
async def test_every_grader_outcome_has_a_clear_message(app, source, words):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_attention(app, pilot)
        screen.path.write_text(source)
        verdict = await check(pilot, screen)
        assert verdict.startswith("ERROR") and words in verdict


async def test_a_newer_run_cancels_the_one_going(app, isolated_home):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_attention(app, pilot)
        screen.path.write_text("import time\ndef scaled_dot_product_attention(q, k, v, mask=None):\n    time.sleep(60)\n")
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: screen.query_one("#results").row_count > 0)  # the slow run is going
        screen.path.write_text(ATTENTION.solution.read_text())
        verdict = await check(pilot, screen)
        assert verdict.startswith("PASS")
    # the cancelled run left no attempt behind
    assert db_rows(isolated_home, "select status from attempts") == [("pass",)]


async def test_watch_rechecks_on_save(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_attention(app, pilot)
        await pilot.press("w")
        await pilot.pause(0.5)  # the watcher is up
        screen.path.write_text(ATTENTION.solution.read_text())
        await wait_until(pilot, lambda: str(screen.query_one("#verdict").render()).startswith("PASS"))
        await pilot.press("w")
        assert screen.watching is None


async def test_hints_then_give_up_and_see_the_solution(app, isolated_home):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_attention(app, pilot)
        await pilot.press("h")
        await wait_until(pilot, lambda: "Hint 1/4" in str(screen.query_one("#hint-box").render()))
        await pilot.press("h")
        await wait_until(pilot, lambda: "Hint 2/4" in str(screen.query_one("#hint-box").render()))
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmGiveUp))
        await pilot.press("n")
        await wait_until(pilot, lambda: app.screen is screen)
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmGiveUp))
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, SolutionScreen))
        assert "def scaled_dot_product_attention" in app.screen.query_one("#solution").source
    assert db_rows(isolated_home, "select count(*) from hints") == [(2,)]
    assert db_rows(isolated_home, "select drill from give_ups") == [("attention",)]


async def test_mock_mode_refuses_hints_and_the_solution(app, isolated_home):
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(DrillScreen(ATTENTION, mock=True))
        await wait_until(pilot, lambda: isinstance(app.screen, DrillScreen) and app.screen.path is not None)
        await pilot.press("h", "s")
        await pilot.pause(0.2)
        assert isinstance(app.screen, DrillScreen)
        assert str(app.screen.query_one("#hint-box").render()) == ""
        shown = {b.binding.action for b in app.screen.active_bindings.values() if b.enabled and b.binding.show}
        assert "check" in shown and not {"hint", "solution"} & shown
    assert db_rows(isolated_home, "select count(*) from hints") == [(0,)]


async def test_drill_footer_shows_the_drill_keys_and_navigation_still_works(app):
    from textual.widgets._footer import FooterKey

    async with app.run_test(size=(100, 40)) as pilot:
        await open_attention(app, pilot)
        await pilot.pause(0.2)
        footer_keys = {k.key for k in app.screen.query(FooterKey)}
        assert {"ctrl+r", "e", "w", "h", "s", "escape", "q"} <= footer_keys
        assert not footer_keys & {"g", "b", "c", "p", "m"}
        await pilot.press("b")
        await wait_until(pilot, lambda: isinstance(app.screen, DrillBrowserScreen))


async def test_command_palette_offers_every_drill(app):
    async with app.run_test(size=SIZE) as pilot:
        provider = DrillCommands(app.screen)
        names = [hit.text for hit in [h async for h in provider.discover()]]
        assert "drill: start attention" in names and "drills: browse" in names
        hits = [h async for h in provider.search("start dpo")]
        assert hits and "dpo_loss" in str(hits[0].match_display)
        hits[0].command()
        await wait_until(pilot, lambda: isinstance(app.screen, DrillScreen) and app.screen.path is not None)
        assert app.screen.drill.id == "dpo_loss"


# --- quiz ------------------------------------------------------------------------------------------
async def open_quiz(app, pilot):
    from postprep.tui.screens.quiz import QuizScreen

    await pilot.press("c")
    await wait_until(pilot, lambda: isinstance(app.screen, QuizScreen) and app.screen.card is not None)
    return app.screen


async def answer(pilot, screen, right: bool = True, rating: str | None = None) -> None:
    """Answer the card shown, as a user would, for any kind; then accept or choose a rating."""
    card, before = screen.card, len(screen.session.answered)
    if card.kind == "recall":
        await pilot.press("space")
    elif card.kind == "choice":
        pick = next(i for i, o in enumerate(screen.choices, 1) if (o == card.answer) == right)
        await pilot.press(str(pick))
    else:
        await pilot.press(*(card.answer if right else "zzz"), "enter")
    await wait_until(pilot, lambda: screen.revealed)
    await pilot.press(rating or ("enter" if card.kind != "recall" else "3"))
    await wait_until(pilot, lambda: len(screen.session.answered) == before + 1 and screen.card is not None)


async def test_quiz_answers_rates_and_undoes(app, isolated_home):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_quiz(app, pilot)
        assert "15 new" in str(screen.query_one("#quiz-counts").render())
        for _ in range(3):
            await answer(pilot, screen)
        assert "12 new" in str(screen.query_one("#quiz-counts").render())
        await pilot.press("u")
        await wait_until(pilot, lambda: len(screen.session.answered) == 2)
    assert db_rows(isolated_home, "select count(*) from reviews") == [(2,)]
    assert db_rows(isolated_home, "select answered, where_ from quiz_sessions") == [(2, "app")]


async def test_quiz_wrong_choice_suggests_again_and_can_be_overridden(app, isolated_home):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_quiz(app, pilot)
        while screen.card.kind != "choice":
            await answer(pilot, screen)
        card = screen.card
        await answer(pilot, screen, right=False)  # enter accepts the suggestion: Again
        while screen.card.kind != "choice":
            await answer(pilot, screen)
        await answer(pilot, screen, right=False, rating="2")  # the user overrides with Hard
    rows = db_rows(isolated_home, "select card_id, rating, rating_source, correct from reviews where correct = 0")
    assert rows[0] == (card.id, 1, "auto", 0)
    assert rows[1][1:] == (2, "chosen", 0)


async def test_progress_screen_shows_the_rows(app, isolated_home):
    from postprep.tui.screens.progress import ProgressScreen

    async with app.run_test(size=SIZE) as pilot:
        screen = await open_attention(app, pilot)
        screen.path.write_text(ATTENTION.solution.read_text())
        assert (await check(pilot, screen)).startswith("PASS")
        await pilot.press("escape", "p")
        await wait_until(pilot, lambda: isinstance(app.screen, ProgressScreen)
                         and "Streak" in str(app.screen.query_one("#progress-summary").render()))
        table = app.screen.query_one("#pillars")
        pillar0 = sum(d.pillar == 0 for d in all_drills().values())
        assert table.row_count == 6 and table.get_row_at(0)[3] == f"1/{pillar0}"
        assert "Streak 1 day(s)" in str(app.screen.query_one("#progress-summary").render())


def focused_on(app, selector: str) -> bool:
    found = app.screen.query(selector)
    return bool(found) and app.focused is found.first()


class MovableClock:
    def __init__(self):
        self.now = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)

    def __call__(self):
        return self.now


async def test_design_answer_is_saved_as_typed_then_marked_against_the_rubric(app, workspace, isolated_home):
    from postprep.quiz.design import all_prompts, score
    from postprep.tui.screens.design import DesignResultScreen, DesignScreen, RubricScreen

    prompt = all_prompts()["serving-100-loras"]
    async with app.run_test(size=SIZE) as pilot:
        app.open_design(prompt.id)
        await wait_until(pilot, lambda: isinstance(app.screen, DesignScreen) and focused_on(app, "#answer"))
        words = " and ".join(prompt.rubric[0].keywords)
        await pilot.press(*f"use {words}")
        saved = (workspace / "design" / f"{prompt.id}.md").read_text()
        assert saved.endswith(f"use {words}")  # on disk before anything is submitted
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, RubricScreen))
        rubric = app.screen
        assert rubric.suggested[0] == "covered" and rubric.marks == rubric.suggested
        assert "only suggestions" in str(rubric.query_one("#rubric-help").render())
        await pilot.press("m", "c")  # the first point: missed after all; the second: covered
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, DesignResultScreen) and app.screen.query("#design-result"))
        await pilot.pause(0.2)
        marks = ["missed", "covered"] + rubric.suggested[2:]
        assert app.screen.result == score(prompt, marks)
    row = db_rows(isolated_home, "select prompt, marks, suggested, score, answer from design_answers")[0]
    assert row[0] == prompt.id and json.loads(row[1]) == marks and json.loads(row[2])[0] == "covered"
    assert row[3] == score(prompt, marks) and row[4].endswith(f"use {words}")


async def test_mock_quiz_in_the_app_is_submitted_at_zero_then_reported(warm, isolated_home):
    from postprep.quiz.decks import load_decks
    from postprep.tui.screens.mock import MockReportScreen, MockScreen

    clock = MovableClock()
    app = make_app(clock=clock, monotonic=lambda: 100.0, grader=warm)
    cards = {c.id: c for d in load_decks(None)[0] for c in d.cards}
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(MockScreen("quiz", 3, seed=4))
        await wait_until(pilot, lambda: isinstance(app.screen, MockScreen) and app.screen.cards_left)
        screen = app.screen
        assert "part 3:00 · all 3:00" in str(screen.query_one("#mock-clock").render())
        first = cards[screen.cards_left[0]]
        answer = "1" if first.kind == "choice" and first.options[0] == first.answer else first.answer
        if first.kind == "choice":
            answer = str(first.options.index(first.answer) + 1)
        await pilot.press(*answer, "enter")
        await pilot.press("g", "b", "h")  # no way to the other screens, no hints, during the mock
        assert isinstance(app.screen, MockScreen)
        clock.now += timedelta(minutes=1)
        await pilot.pause(0.6)
        assert "part 2:00 · all 2:00" in str(screen.query_one("#mock-clock").render())
        clock.now += timedelta(minutes=2)
        await wait_until(pilot, lambda: isinstance(app.screen, MockReportScreen) and app.screen.query("#mock-report"))
        await pilot.pause(0.2)
        data = app.screen.data
    assert data["status"] == "finished" and data["parts"][0]["how"] == "timeout"
    assert (data["parts"][0]["passed"], data["parts"][0]["total"]) == (1, 3)
    assert data["score"] == pytest.approx(1 / 3)
    assert db_rows(isolated_home, "select count(*) from hints") == [(0,)]


async def test_mock_drill_at_zero_is_graded_as_saved_and_quitting_abandons(warm, isolated_home):
    from postprep.tui.screens.mock import MockReportScreen, MockScreen
    from postprep.tui.screens.solution import Confirm

    clock = MovableClock()
    app = make_app(clock=clock, monotonic=lambda: 100.0, grader=warm)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(MockScreen("mixed", 30, seed=2))
        await wait_until(pilot, lambda: isinstance(app.screen, MockScreen) and app.screen.part is not None)
        screen = app.screen
        part = screen.part
        assert part["kind"] == "drill"
        await pilot.pause(0.2)
        from textual.widgets._footer import FooterKey

        footer_keys = {k.key for k in screen.query(FooterKey) if not k.disabled}
        assert not footer_keys & {"g", "b", "c", "p", "m"}  # no dead navigation keys in the footer
        assert "ctrl+s" in footer_keys
        drill = get_drill(part["item"])
        Path(part["file"]).write_text(drill.solution.read_text())
        clock.now += timedelta(minutes=part["minutes"])
        await wait_until(pilot, lambda: screen.part is not None and screen.part["kind"] == "design"
                         and focused_on(app, "#answer"), timeout=90)
        await pilot.press(*"my design")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, Confirm))
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, MockReportScreen) and app.screen.query("#mock-report"))
        await pilot.pause(0.2)
        data = app.screen.data
    drill_part, design_part, quiz_part = data["parts"]
    assert (drill_part["how"], drill_part["score"]) == ("timeout", 1.0)
    assert data["status"] == "abandoned" and design_part["how"] == "abandoned" and quiz_part["how"] == "not reached"
    kept = db_rows(isolated_home, "select answer from mock_results where how = 'abandoned'")
    assert kept[0][0].rstrip().endswith("my design")


async def test_quiz_screen_lists_choice_options_as_shown_options_orders_them(app):
    from postprep.quiz.answers import shown_options

    async with app.run_test(size=SIZE) as pilot:
        screen = await open_quiz(app, pilot)
        while screen.card.kind != "choice":
            await answer(pilot, screen)
        card = screen.card
        shown = shown_options(card, screen.session.clock().date())
        listed = screen.query_one("#quiz-options")
        assert screen.choices == shown
        assert [str(listed.get_option_at_index(i).prompt) for i in range(listed.option_count)] == \
            [f"{i}. {o}" for i, o in enumerate(shown, 1)]


async def test_mock_screen_numbers_choice_options_in_the_mock_order(warm, isolated_home):
    from postprep.quiz.answers import shown_options
    from postprep.quiz.decks import load_decks
    from postprep.tui.screens.mock import MockScreen

    app = make_app(clock=MovableClock(), monotonic=lambda: 100.0, grader=warm)
    cards = {c.id: c for d in load_decks(None)[0] for c in d.cards}
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(MockScreen("quiz", 10, seed=4))
        await wait_until(pilot, lambda: isinstance(app.screen, MockScreen) and focused_on(app, "#quiz-answer"))
        screen = app.screen
        while cards[screen.cards_left[0]].kind != "choice":
            await pilot.press("enter")  # skips
        card = cards[screen.cards_left[0]]
        shown = shown_options(card, f"mock{screen.mock.id}")
        text = str(screen.query_one("#question").render())
        assert [line.strip() for line in text.splitlines()[-len(shown):]] == [f"{i}. {o}" for i, o in enumerate(shown, 1)]
        await pilot.press(str(shown.index(card.answer) + 1), "enter")
        await pilot.pause(0.5)
    assert db_rows(isolated_home, f"select answer, correct from reviews where card_id = '{card.id}'") == [(card.answer, 1)]
