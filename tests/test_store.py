"""progress.db through the real Store: rows, clock, migrations, WAL."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from postprep.progress.store import Store, migrations


class FakeClock:
    def __init__(self):
        self.now = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


def test_a_session_times_attempts_and_counts_hints(tmp_path):
    clock = FakeClock()
    store = Store(tmp_path / "progress.db", clock)
    store.start_drill("attention", "numpy", Path("/w/attention_numpy.py"))
    clock.advance(minutes=3)
    assert store.record_hint("attention") == 1
    clock.advance(minutes=4, seconds=30)
    row = store.record_attempt("attention", "numpy", Path("/w/a.py"), "fail", 3, 13, None, 3000)
    assert row["elapsed_s"] == 450 and row["hints_used"] == 1
    clock.advance(minutes=5)
    store.record_attempt("attention", "numpy", Path("/w/a.py"), "pass", 13, 13, None, 3000)
    summary = store.drill_summaries()["attention"]
    assert summary == {"status": "passed", "attempts": 2, "best_s": 750.0, "last_at": "2026-03-01T09:12:30.000+00:00"}

    # a new session restarts the clock and the hint count; earlier rows stay
    store.start_drill("attention", "torch", Path("/w/attention_torch.py"))
    assert store.hints_used("attention") == 0
    clock.advance(seconds=90)
    assert store.record_attempt("attention", "torch", Path("/w/t.py"), "pass", 14, 14, None, 1)["elapsed_s"] == 90
    assert store.drill_summaries()["attention"]["best_s"] == 90
    assert len(store.attempts("attention")) == 3


def test_a_pass_after_giving_up_in_the_same_session_is_not_a_pass(tmp_path):
    from postprep.progress.stats import time_to_pass

    clock = FakeClock()
    store = Store(tmp_path / "progress.db", clock)
    store.start_drill("softmax", "numpy", Path("/w/softmax_numpy.py"))
    clock.advance(minutes=2)
    store.record_give_up("softmax")  # the reference is shown; pasting it must not be a best time
    clock.advance(seconds=4)
    store.record_attempt("softmax", "numpy", Path("/w/s.py"), "pass", 9, 9, None, 1)
    assert store.drill_summaries()["softmax"] | {"last_at": None} == {
        "status": "attempted", "attempts": 1, "best_s": None, "last_at": None}
    assert not store.has_passed("softmax") and time_to_pass(store) == []
    # a fresh session (postprep drill softmax --reset) passed on one's own counts again
    store.start_drill("softmax", "numpy", Path("/w/softmax_numpy.py"))
    clock.advance(minutes=6)
    store.record_attempt("softmax", "numpy", Path("/w/s.py"), "pass", 9, 9, None, 1)
    assert store.drill_summaries()["softmax"]["status"] == "passed" and store.has_passed("softmax")
    assert store.drill_summaries()["softmax"]["best_s"] == 360
    assert [r["elapsed_s"] for r in time_to_pass(store)] == [360]


def test_rows_survive_reopening_and_the_database_is_in_wal_mode(tmp_path):
    path = tmp_path / "progress.db"
    store = Store(path)
    store.record_give_up("beam_search")
    store.close()
    again = Store(path)
    assert again.has_given_up("beam_search") and not again.has_passed("beam_search")
    assert again.db.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert [m.name for m in migrations.applied(again.db)] == [m.name for m in migrations._migrations]


def test_utc_times_are_stored(tmp_path):
    clock = FakeClock()
    store = Store(tmp_path / "p.db", clock)
    store.start_drill("attention", "numpy", Path("/w/a.py"))
    stored = store.db.execute("select started_at from drill_sessions").fetchone()[0]
    assert stored == "2026-03-01T09:00:00.000+00:00"


def test_many_connections_opening_a_new_database_at_once(tmp_path):
    """The app's threads and a CLI process may all open a fresh progress.db together."""
    import subprocess
    import sys
    from concurrent.futures import ThreadPoolExecutor

    path = tmp_path / "progress.db"
    code = f"from postprep.progress.store import Store; Store(__import__('pathlib').Path({str(path)!r})).record_give_up('x')"
    procs = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(3)]
    with ThreadPoolExecutor(8) as pool:
        opened = list(pool.map(lambda _: Store(path).has_given_up("y"), range(8)))
    assert [p.wait() for p in procs] == [0, 0, 0]
    assert opened == [False] * 8
    assert Store(path).db.execute("select count(*) from give_ups").fetchone()[0] == 3
