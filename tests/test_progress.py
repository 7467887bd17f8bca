"""The agenda, drill re-practice and statistics, from real rows with an injected clock."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from postprep.drills.catalog import all_drills
from postprep.progress.repractice import drill_schedule, rating_for
from postprep.progress.stats import streak
from postprep.progress.store import Store
from postprep.quiz.decks import Card, load_decks
from postprep.quiz.scheduler import QuizSession, QuizSettings
from postprep.tui.practice import progress_report, today

DRILLS = list(all_drills().values())
CARDS = [c for d in load_decks()[0] for c in d.cards]


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def store_at(tmp_path: Path, now: datetime) -> tuple[Store, Clock]:
    clock = Clock(now)
    return Store(tmp_path / "progress.db", clock), clock


def pass_drill(store: Store, clock: Clock, drill: str, minutes: float, hints: int = 0) -> None:
    store.start_drill(drill, "numpy", Path(f"/w/{drill}.py"))
    for _ in range(hints):
        store.record_hint(drill)
    clock.now += timedelta(minutes=minutes)
    store.record_attempt(drill, "numpy", Path(f"/w/{drill}.py"), "pass", 10, 10, None, 300)


def test_drill_ratings_follow_time_hints_and_give_ups():
    assert rating_for(200, 900, 0, False) == 4
    assert rating_for(600, 900, 0, False) == 3
    assert rating_for(1000, 900, 0, False) == 2
    assert rating_for(300, 900, 1, False) == 2
    assert rating_for(None, 900, 0, True) == 1


def test_passed_drills_come_back_later_the_better_they_went(tmp_path):
    store, clock = store_at(tmp_path, datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc))
    pass_drill(store, clock, "attention", 5)          # fast: Easy
    pass_drill(store, clock, "top_k", 40, hints=2)    # slow, with hints: Hard
    store.start_drill("beam_search", "numpy", Path("/w/b.py"))
    store.record_give_up("beam_search")               # Again
    due = drill_schedule(store, {d.id: d.minutes * 60 for d in DRILLS})
    assert due["attention"].due > due["top_k"].due >= due["beam_search"].due > clock.now
    assert (due["attention"].last_rating, due["top_k"].last_rating, due["beam_search"].last_rating) == (4, 2, 1)
    assert drill_schedule(store, {d.id: d.minutes * 60 for d in DRILLS}) == due  # replay is deterministic


def test_agenda_without_a_plan(tmp_path):
    store, _ = store_at(tmp_path, datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc))
    agenda = today(store, DRILLS, CARDS)
    assert agenda.week is None
    assert [i.action for i in agenda.items] == ["quiz", "start", "start", "start", "design"]
    assert [i.drill.id for i in agenda.items[1:4]] == [d.id for d in DRILLS[:3]]
    assert agenda.items[-1].key.startswith("design:")


def test_agenda_behind_schedule_spreads_the_catch_up(tmp_path):
    now = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)
    store, clock = store_at(tmp_path, now)
    store.start_plan((now - timedelta(days=7 * 4 + 1)).date())  # week 5: dpo_loss; weeks 1-4 undone
    agenda = today(store, DRILLS, CARDS)
    assert agenda.week == 5
    drills = [(i.action, i.drill) for i in agenda.items if i.drill]
    assert len(drills) == 3  # at most 3 a day: this week's first, one catch-up a day while behind
    assert [a for a, _ in drills] == ["start", "start", "catch up"]
    assert all(d.week in (5, 6) for _, d in drills[:2]) and drills[2][1].week < 5
    overdue = [d for d in DRILLS if d.week < 5]
    assert agenda.overdue_left == len(overdue) - 1 and agenda.catch_up_days >= 1

    # a passed drill whose re-practice is due shows up as "redo"
    pass_drill(store, clock, "dpo_loss", 10)
    clock.now += timedelta(days=60)
    assert ("redo", "dpo_loss") in [(i.action, i.drill.id) for i in today(store, DRILLS, CARDS).items if i.drill]


def test_stats_from_rows(tmp_path):
    start = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)
    store, clock = store_at(tmp_path, start)
    cards = [c for c in CARDS if c.pillar == 0][:3]
    session = QuizSession(store, cards, clock, QuizSettings(fuzzing=False))
    for day in range(3):                                  # three practice days in a row
        for card in cards:
            session.answer(card, 4 if day == 0 else 3, source="chosen")
        clock.now += timedelta(days=1)
    pass_drill(store, clock, "attention", 12)
    report = progress_report(store, DRILLS, CARDS)
    assert report["streak_days"] == 4
    assert len(report["calendar"]) == 84 and report["calendar"][-1]["count"] == 1
    assert report["true_retention"] == 1.0 and report["retention_answers_30d"] == 6
    pillar0 = report["pillars"][0]
    assert pillar0["cards_seen"] == 3 and pillar0["drills_passed"] == 1 and pillar0["readiness"] != "not started"
    assert report["pillars"][3]["readiness"] == "not started"
    assert [t["drill"] for t in report["time_to_pass"]] == ["attention"] and report["time_to_pass"][0]["elapsed_s"] == 720
    json.dumps(report)  # the CLI prints it as JSON


def test_streak_counts_back_from_today_or_yesterday():
    from collections import Counter
    from datetime import date

    d = date(2026, 3, 10)
    assert streak(Counter({d: 1, d - timedelta(days=1): 2}), d) == 2
    assert streak(Counter({d - timedelta(days=1): 1, d - timedelta(days=2): 1}), d) == 2
    assert streak(Counter({d - timedelta(days=2): 1}), d) == 0


def test_today_and_stats_cli(postprep):
    agenda = json.loads(postprep("today", "--json").stdout)
    assert agenda["week"] is None and agenda["items"][0]["action"] == "quiz"
    report = json.loads(postprep("stats", "--json").stdout)
    assert report["streak_days"] == 0 and len(report["pillars"]) == 6
    assert "Streak: 0 day(s)" in postprep("stats").stdout


def test_week_nine_suggests_a_mock_interview_until_one_is_finished_today(tmp_path):
    now = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)
    store, clock = store_at(tmp_path, now)
    store.start_plan((now - timedelta(days=7 * 8)).date())  # week 9
    agenda = today(store, DRILLS, CARDS)
    assert agenda.week == 9 and [i.key for i in agenda.items].count("mock") == 1
    session = store.start_mock("mixed", 45, 1, 9, [{"kind": "quiz", "item": "quiz", "minutes": 45}], 1)
    store.end_mock(session, "abandoned")
    assert "mock" in [i.key for i in today(store, DRILLS, CARDS).items]  # an abandoned one does not count
    session = store.start_mock("mixed", 45, 1, 9, [{"kind": "quiz", "item": "quiz", "minutes": 45}], 1)
    store.end_mock(session, "finished")
    assert "mock" not in [i.key for i in today(store, DRILLS, CARDS).items]
    clock.now += timedelta(days=1)
    assert "mock" in [i.key for i in today(store, DRILLS, CARDS).items]


def test_plan_counts_finished_mocks_in_week_nine(postprep, isolated_home):
    store = Store(isolated_home / "progress.db")
    session = store.start_mock("quiz", 5, 1, None, [{"kind": "quiz", "item": "quiz", "minutes": 5}], 1)
    store.end_mock(session, "finished")
    blocks = json.loads(postprep("plan", "--json").stdout)["blocks"]
    assert [(b["mocks_finished"], b["mocks"]) for b in blocks] == [(0, 0)] * 4 + [(1, 3)]
    assert "1/3" in postprep("plan").stdout
