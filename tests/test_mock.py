"""Mock interviews: composition, the clock (injected), auto-submit at zero, no hints, the report's
arithmetic, and sessions cut short by a quit or a SIGKILL (recorded as abandoned, answers kept)."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from postprep.drills.catalog import all_drills
from postprep.progress.store import Store
from postprep.quiz.decks import load_decks
from postprep.quiz.design import all_prompts, score
from postprep.tui import mock as mocks
from postprep.tui.practice import MockError, make_quiz_session

T0 = datetime(2026, 5, 4, 14, 0, tzinfo=timezone.utc)
SOLUTION = Path(__file__).parent.parent / "solutions" / "attention.py"


class Clock:
    def __init__(self, now: datetime = T0):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw) -> None:
        self.now += timedelta(**kw)


@pytest.fixture
def bank():
    decks, _ = load_decks(None)
    cards = [c for d in decks for c in d.cards]
    return all_drills(), all_prompts(), cards, {c.id: c for c in cards}


def material(store, bank, seed=1):
    drills, prompts, cards, _ = bank
    return mocks.material(store, list(drills.values()), list(prompts.values()), cards, random.Random(seed))


def start(store, bank, plan, fmt="mixed", minutes=45, workspace=None):
    drills, prompts, _, _ = bank
    return mocks.Mock(store, mocks.start(store, plan, fmt, minutes, 1, None, workspace, drills, prompts))


def test_mixed_45_is_a_drill_a_design_prompt_and_a_few_cards_filling_the_time(tmp_path, bank):
    store = Store(tmp_path / "p.db", Clock())
    plan = mocks.compose("mixed", 45, material(store, bank))
    assert [p.kind for p in plan] == ["drill", "design", "quiz"]
    assert sum(p.minutes for p in plan) == 45
    quiz = plan[2]
    assert len(quiz.cards) == quiz.minutes == 6  # one quick question a minute, an eighth of the time
    drills, prompts, _, by_id = bank
    assert plan[0].item in drills and plan[1].item in prompts
    assert drills[plan[0].item].minutes <= plan[0].minutes  # the drill fits its box
    assert all(by_id[c].kind in ("short", "choice") for c in quiz.cards)


def test_the_same_seed_gives_the_same_session_and_other_seeds_vary(tmp_path, bank):
    store = Store(tmp_path / "p.db", Clock())
    first = mocks.compose("mixed", 45, material(store, bank, seed=7))
    assert mocks.compose("mixed", 45, material(store, bank, seed=7)) == first
    others = {tuple(mocks.compose("mixed", 45, material(store, bank, seed=s))) for s in range(8)}
    assert len(others) > 1


def test_coding_and_design_formats_fill_the_time_with_parts_of_one_kind(tmp_path, bank):
    store = Store(tmp_path / "p.db", Clock())
    for fmt, kind in (("coding", "drill"), ("design", "design")):
        plan = mocks.compose(fmt, 60, material(store, bank))
        assert {p.kind for p in plan} == {kind}
        assert sum(p.minutes for p in plan) == pytest.approx(60)
    assert [p.kind for p in mocks.compose("quiz", 8, material(store, bank))] == ["quiz"]


def test_the_plan_week_decides_the_material_and_what_is_not_mastered_comes_first(tmp_path, bank):
    clock = Clock()
    store = Store(tmp_path / "p.db", clock)
    store.start_plan(date(2026, 5, 4))  # week 1: foundations
    drills, prompts, _, by_id = bank
    found = material(store, bank)
    assert found.week == 1
    assert all(d.week in (1, 2) for d in found.drills)
    assert all(by_id[c.id].pillar == 0 for c in found.cards)
    week_drills = [d.id for d in found.drills]
    for drill_id in week_drills[:-1]:  # every drill of the week passed but one
        store.record_attempt(drill_id, "numpy", Path("/w/x.py"), "pass", 1, 1, None, 1)
    for seed in range(5):
        assert material(store, bank, seed).drills[0].id == week_drills[-1]


def test_bad_options_are_refused_with_what_to_do():
    with pytest.raises(MockError, match="between 15 and 180"):
        mocks.check_options("mixed", 5)
    with pytest.raises(MockError, match="must be one of mixed, coding, design, quiz"):
        mocks.check_options("coding-only", 45)


def test_at_zero_the_drill_is_submitted_as_saved_and_counts_as_an_attempt(tmp_path, bank, warm, workspace):
    clock = Clock()
    store = Store(tmp_path / "p.db", clock)
    drills = bank[0]
    mock = start(store, bank, [mocks.PartPlan("drill", "attention", 20), mocks.PartPlan("quiz", "quiz", 5, ("p0-x",))],
                 minutes=25, workspace=workspace)
    part = mock.current()
    assert Path(part["file"]).parent == workspace / "mock" / str(mock.id)  # the practice file is left alone
    Path(part["file"]).write_text(SOLUTION.read_text())
    clock.advance(minutes=19, seconds=59)
    assert mock.due() is None and mock.seconds_left(part) == 1
    clock.advance(seconds=1)
    assert mock.due()["id"] == part["id"]
    result = mock.end_part(part, "timeout", drills, run=warm.run)
    assert result.status == "pass"
    done = mock.parts()[0]
    assert (done["how"], done["score"], done["passed"], done["passed"] == done["total"]) == ("timeout", 1.0, done["total"], True)
    attempt = store.attempts("attention")[0]
    assert attempt["status"] == "pass" and attempt["elapsed_s"] == 20 * 60
    # the next part's clock starts when the drill ended
    assert mock.current()["kind"] == "quiz" and mock.seconds_left(mock.current()) == 5 * 60


def test_the_report_weighs_each_part_by_its_time_box(tmp_path, bank, workspace):
    clock = Clock()
    store = Store(tmp_path / "p.db", clock)
    drills, prompts, cards, by_id = bank
    quick = [c for c in cards if c.kind == "short"][:5]
    prompt = next(iter(prompts.values()))
    mock = start(store, bank, [mocks.PartPlan("drill", "attention", 20), mocks.PartPlan("design", prompt.id, 20),
                               mocks.PartPlan("quiz", "quiz", 5, tuple(c.id for c in quick))], workspace=workspace)
    drill_part = mock.current()
    clock.advance(minutes=12)
    store.record_mock_result(drill_part["id"], mock.part_started_at(drill_part), "submitted", 0.5, 10, 20)
    design_part = mock.current()
    Path(design_part["file"]).write_text("my design")
    clock.advance(minutes=20)
    mock.submit_design(design_part, "timeout")
    quiz_part = mock.current()
    session = make_quiz_session(store, cards)
    for i, card in enumerate(quick):
        clock.advance(seconds=30)
        assert mock.answer_card(quiz_part, card, card.answer if i < 3 else "not the answer", session) == (i < 3)
    mock.submit_quiz(quiz_part)
    mock.finish()
    marks = ["covered", "partly"] + ["missed"] * (len(prompt.rubric) - 2)
    design_part = mock.parts()[1]
    assert design_part["answer"] == "my design" and design_part["score"] is None  # scored once marked
    design_score = mock.mark_design(design_part, prompt, marks, marks)
    assert design_score == score(prompt, marks)

    data = mocks.report(store, mock.id, drills, prompts, by_id)
    assert data["status"] == "finished"
    assert data["score"] == pytest.approx((0.5 * 20 + design_score * 20 + 3 / 5 * 5) / 45)
    drill_row, design_row, quiz_row = data["parts"]
    assert (drill_row["used_s"], design_row["used_s"], quiz_row["used_s"]) == (12 * 60, 20 * 60, 150)
    assert design_row["how"] == "timeout" and design_row["rubric"] == {"covered": 1, "partly": 1, "missed": len(marks) - 2}
    assert (quiz_row["passed"], quiz_row["total"]) == (3, 5)
    # what to review feeds the agenda: the drill to redo, the design's missed points, the two missed cards
    assert any(r.startswith("drill attention: redo") for r in data["review"])
    assert sum(r.startswith(f"design {prompt.id}:") for r in data["review"]) == 3
    assert {r.split(":")[0] for r in data["review"] if r.startswith("card")} == {f"card {c.id}" for c in quick[3:]}
    assert store.design_answers(prompt.id)[0]["score"] == design_score  # the prompt's schedule sees it
    missed = store.card_state(quick[4].id)
    assert missed["state"] in (1, 3) and datetime.fromisoformat(missed["due"]) <= clock() + timedelta(minutes=10)


def test_the_whole_clock_ends_the_session_even_if_parts_ran_late(tmp_path, bank, workspace):
    clock = Clock()
    store = Store(tmp_path / "p.db", clock)
    mock = start(store, bank, [mocks.PartPlan("design", next(iter(bank[1])), 10),
                               mocks.PartPlan("quiz", "quiz", 5, ("a",))], minutes=15, workspace=workspace)
    clock.advance(minutes=13)  # the design part was submitted late (its own zero was at 10 minutes)
    mock.submit_design(mock.current(), "timeout")
    quiz = mock.current()
    assert mock.seconds_left(quiz) == 2 * 60 == mock.seconds_left()


def test_hints_and_solutions_are_refused_while_a_mock_runs(tmp_path, bank, postprep, isolated_home, workspace):
    store = Store(isolated_home / "progress.db")
    mock = start(store, bank, [mocks.PartPlan("drill", "attention", 20)], minutes=20, workspace=workspace)
    for args in (("hint", "attention"), ("solution", "attention", "--give-up")):
        result = postprep(*args)
        assert result.returncode == 2, result.stdout
        assert f"A mock interview is running (#{mock.id}): hints and solutions come back when it ends." in result.stderr
    assert store.hints_used("attention") == 0 and not store.has_given_up("attention")
    mock.abandon()
    assert postprep("hint", "attention").returncode == 0


def test_quitting_early_records_an_abandoned_session_and_keeps_the_answer(postprep, isolated_home):
    result = postprep("mock", "--format", "coding", "--minutes", "20", "--seed", "3", "--no-edit", input="q\n")
    assert result.returncode == 0, result.stderr
    assert "recorded as abandoned" in result.stdout
    history = json.loads(postprep("mock", "--history", "--json").stdout)
    assert [s["status"] for s in history] == ["abandoned"]
    first = history[0]["parts"][0]
    assert first["how"] == "abandoned" and first["score"] is None
    store = Store(isolated_home / "progress.db")
    assert "def " in store.mock_parts(history[0]["id"])[0]["answer"]  # the starter as it was saved


def test_a_session_killed_mid_part_is_recorded_as_abandoned_with_its_answer(postprep, isolated_home, workspace):
    process = subprocess.Popen([sys.executable, "-m", "postprep.tui", "mock", "--format", "design", "--minutes", "15",
                                "--seed", "2", "--no-edit"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        store = Store(isolated_home / "progress.db")
        while time.monotonic() < deadline and not (
                started := [p for s in store.mock_sessions() for p in store.mock_parts(s["id"])]):
            time.sleep(0.05)
        assert started, "the mock never started"
        Path(started[0]["file"]).write_text("# my design\nshard the KV cache by request")  # typing, saved
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    history = json.loads(postprep("mock", "--history", "--json").stdout)
    assert [s["status"] for s in history] == ["abandoned"]
    part = Store(isolated_home / "progress.db").mock_parts(history[0]["id"])[0]
    assert part["how"] == "abandoned" and "shard the KV cache by request" in part["answer"]


def test_a_running_session_long_past_its_end_is_closed_as_abandoned(tmp_path, bank, workspace):
    clock = Clock()
    store = Store(tmp_path / "p.db", clock)
    mock = start(store, bank, [mocks.PartPlan("drill", "attention", 20)], minutes=20, workspace=workspace)
    assert mocks.running(store)["id"] == mock.id  # this process is alive: still running
    clock.advance(minutes=20 + 59)
    assert mocks.running(store) is not None
    clock.advance(minutes=2)
    assert mocks.running(store) is None and store.mock_session(mock.id)["status"] == "abandoned"


def test_history_lists_sessions_with_their_scores(postprep, isolated_home):
    assert "No mock interviews yet" in postprep("mock", "--history").stdout
    postprep("mock", "--format", "quiz", "--minutes", "2", "--seed", "5", input="\n\n")
    result = postprep("mock", "--history")
    assert result.returncode == 0
    line = next(l for l in result.stdout.splitlines() if l.strip().startswith("1 "))
    assert "quiz ×2" in line and "quiz quiz" not in line and "finished" in line and "0%" in line


def test_a_mock_numbers_choice_options_in_its_own_shuffled_order(tmp_path, bank, workspace):
    store = Store(tmp_path / "p.db", Clock())
    _, _, cards, by_id = bank
    choice = [c for c in cards if c.kind == "choice" and c.options[0] == c.answer][:6]
    mock = start(store, bank, [mocks.PartPlan("quiz", "quiz", 6, tuple(c.id for c in choice))], "quiz", 6,
                 workspace=workspace)
    assert mock.id == 1
    card = by_id["p0-self-attention-why-sqrt-dk"]
    assert card in choice
    shown = mock.options(card)
    assert shown != list(card.options) and shown.index(card.answer) == 2  # listed first in the deck, shown third
    assert mocks.Mock(store, mock.id).options(card) == shown  # the same order after a redraw
    part, session = mock.current(), make_quiz_session(store, cards)
    assert mock.answer_card(part, card, "3", session)
    blind = [mock.answer_card(part, c, "1", session) for c in choice if c is not card]
    assert not all(blind)
    assert store.mock_quiz_answers(part["id"])[0]["given"] == card.answer


def run_quiz_mock(store, bank, answers: str, as_json: bool):
    """`postprep mock --format quiz` as the command runs it, answers read from a real pipe."""
    from rich.console import Console

    from postprep.progress.home import workspace_dir
    from postprep.tui.mock_cli import Lines, run_session

    drills, prompts, cards, by_id = bank
    plan = mocks.compose("quiz", 5, material(store, bank))
    mock = mocks.Mock(store, mocks.start(store, plan, "quiz", 5, 1, None, workspace_dir(), drills, prompts))
    read, write = os.pipe()
    os.write(write, answers.encode())
    os.close(write)
    with os.fdopen(read) as stream:
        run_session(mock, drills, prompts, by_id, make_quiz_session(store, cards), Console(highlight=False),
                    as_json, no_edit=True, lines=Lines(stream))
    return mock


def test_with_json_the_session_goes_to_stderr_and_stdout_is_only_the_report(bank, isolated_home, capsys):
    store = Store(isolated_home / "progress.db")
    mock = run_quiz_mock(store, bank, "1\n" * 5, as_json=True)
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert data["id"] == mock.id and [p["kind"] for p in data["parts"]] == ["quiz"]
    assert data["parts"][0]["answered"] == 5
    assert f"Mock #{mock.id}: quiz, 5 min" in err and "Quick questions" in err and "score" in err
    run_quiz_mock(store, bank, "", as_json=False)
    out, _ = capsys.readouterr()
    assert "Quick questions" in out


def test_mock_json_prints_only_the_json_report_on_stdout(postprep):
    result = postprep("mock", "--format", "quiz", "--minutes", "5", "--seed", "1", "--json", input="1\n" * 5)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [p["kind"] for p in data["parts"]] == ["quiz"] and data["parts"][0]["answered"] == 5
    assert "Quick questions" in result.stderr


def test_history_shows_each_kind_of_part_once_with_a_count():
    from postprep.tui.mock_cli import parts_summary

    assert parts_summary([{"kind": "quiz", "questions": 2}]) == "quiz ×2"
    assert parts_summary([{"kind": "drill"}, {"kind": "design"}, {"kind": "quiz", "questions": 6}]) == "drill, design, quiz ×6"
    assert parts_summary([{"kind": "drill"}, {"kind": "drill"}]) == "drill ×2"
