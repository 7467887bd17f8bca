"""progress.db as data that must survive: migrations, concurrent writers, kills, export/import."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import sqlite_utils

from postprep.progress.store import Store, migrations
from postprep.progress.transfer import backup, export_progress, import_progress
from postprep.quiz.decks import Card
from postprep.quiz.scheduler import QuizSession, QuizSettings

WRITER = """
import sys
from pathlib import Path
from postprep.progress.store import Store
store = Store(Path(sys.argv[1]))
for i in range(int(sys.argv[2])):
    store.record_attempt("attention", "numpy", Path(f"/w/{sys.argv[3]}-{i}.py"), "fail", 1, 13, None, 5)
    print(i + 1, flush=True)
"""


def clock_at(moment: datetime):
    return lambda: moment


def answer_cards(path: Path, moment: datetime, ids: list[str]) -> None:
    cards = [Card(i, "d", 0, "t", "recall", "q", "a", "e", "s") for i in ids]
    store = Store(path, clock_at(moment))
    session = QuizSession(store, cards, clock_at(moment), QuizSettings(new_per_day=50))
    session.session_id = store.start_quiz_session("cli")
    for card in cards:
        session.answer(card, 3, source="chosen")
    store.end_quiz_session(session.session_id)


def test_an_old_database_is_migrated_without_losing_a_row(tmp_path):
    path = tmp_path / "progress.db"
    old = sqlite_utils.Database(path)
    migrations.apply(old, stop_before="m002_quiz")  # what the first release created
    old["attempts"].insert_all(
        [{"drill": "attention", "framework": "numpy", "file": f"/w/{i}.py", "at": f"2026-01-0{i + 1}T10:00:00.000+00:00",
          "elapsed_s": 60.0 * i, "status": "pass", "passed": 13, "total": 13, "hints_used": 0, "message": "",
          "grading_ms": 3000, "session_id": None} for i in range(5)]
    )
    old.conn.close()
    store = Store(path)
    assert [m.name for m in migrations.applied(store.db)] == [m.name for m in migrations._migrations]
    assert store.db.execute("select count(*) from attempts").fetchone()[0] == 5
    assert store.drill_summaries()["attention"]["best_s"] == 0.0
    assert store.db["reviews"].exists() and store.db["plan_starts"].exists()


def test_two_processes_writing_at_once_both_succeed(tmp_path):
    path = tmp_path / "progress.db"
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), "150", name], stdout=subprocess.DEVNULL)
               for name in ("app", "cli")]
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    assert Store(path).db.execute("select count(*) from attempts").fetchone()[0] == 300


def test_a_writer_killed_mid_write_leaves_every_committed_row(tmp_path):
    path = tmp_path / "progress.db"
    Store(path).close()
    committed = 0
    for round_ in range(5):
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path), "100000", f"r{round_}"],
                                  stdout=subprocess.PIPE, text=True)
        time.sleep(1.0 + 0.3 * round_)
        writer.send_signal(signal.SIGKILL)
        out = writer.communicate()[0].split()
        committed += int(out[-1]) if out else 0
    conn = sqlite3.connect(path)
    assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    rows = conn.execute("select count(*) from attempts").fetchone()[0]
    assert committed <= rows <= committed + 5  # printed after each commit; at most one unprinted per round
    assert Store(path).db.execute("select count(*) from attempts").fetchone()[0] == rows


def test_a_damaged_database_is_reported_and_left_alone(tmp_path, postprep, isolated_home):
    isolated_home.mkdir(parents=True)
    db = isolated_home / "progress.db"
    good = tmp_path / "good.db"
    Store(good).record_give_up("x")
    data = bytearray(good.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # the schema page is garbage, the header is intact
    db.write_bytes(bytes(data))
    before = db.read_bytes()
    result = postprep("drills")
    assert result.returncode == 2 and str(db) in result.stderr and "damaged" in result.stderr
    assert db.read_bytes() == before


def test_export_then_import_elsewhere_without_duplicates(tmp_path):
    now = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    answer_cards(a, now, ["c1", "c2"])
    store_a = Store(a, clock_at(now))
    store_a.record_attempt("attention", "numpy", Path("/w/x.py"), "pass", 13, 13, None, 1)
    store_a.record_design_answer("serving-100-loras", now, "my answer", ["covered"], ["missed"], 1.0)
    mock = store_a.start_mock("mixed", 45, 1, None, [{"kind": "drill", "item": "attention", "minutes": 20},
                                                     {"kind": "quiz", "item": "quiz", "minutes": 5}], 1)
    store_a.record_mock_result(store_a.mock_parts(mock)[0]["id"], now, "submitted", 0.5, 1, 2)
    answer_cards(b, now + timedelta(days=1), ["c2", "c3"])  # another machine, one card in common
    export = tmp_path / "a.json"
    counts = export_progress(Store(a, clock_at(now)), export)
    assert counts["reviews"] == 2 and json.loads(export.read_text())["format"] == "postprep-progress"

    target = Store(b, clock_at(now))
    added = import_progress(target, export)
    assert added["reviews"] == 2 and added["attempts"] == 1 and added["quiz_sessions"] == 1
    assert (added["design_answers"], added["mock_sessions"], added["mock_parts"], added["mock_results"]) == (1, 1, 2, 1)
    imported = target.mock_sessions()[0]["id"]
    assert [(p["position"], p["score"]) for p in target.mock_parts(imported)] == [(0, 0.5), (1, None)]
    assert import_progress(target, export) == {k: 0 for k in added}  # again: nothing new
    db = target.db
    assert db.execute("select count(*) from reviews").fetchone()[0] == 4
    # imported reviews point at the imported session, not at a local id that happened to match
    sessions = db.execute("select distinct r.session_id, s.started_at from reviews r join quiz_sessions s on s.id = r.session_id").fetchall()
    assert len(sessions) == 2
    # c2 was answered on both machines: its state is the latest answer (machine b's, a day later)
    latest = db.execute("select max(at) from reviews where card_id = 'c2'").fetchone()[0]
    review_id = target.card_state("c2")["review_id"]
    assert db.execute("select at from reviews where id = ?", [review_id]).fetchone()[0] == latest
    assert set(target.seen_cards()) == {"c1", "c2", "c3"}


def test_import_refuses_what_is_not_an_export(tmp_path, postprep):
    bogus = tmp_path / "x.json"
    bogus.write_text('{"hello": 1}')
    result = postprep("import", str(bogus))
    assert result.returncode == 2 and "is not a postprep export" in result.stderr


def test_backup_while_another_process_writes(tmp_path):
    path = tmp_path / "progress.db"
    Store(path).close()
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path), "400", "w"], stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not sqlite3.connect(path).execute("select count(*) from attempts").fetchone()[0]:
        time.sleep(0.05)  # the backup must start while the writer is writing, however slow its start
    copy = tmp_path / "copy.db"
    backup(Store(path), copy)
    writer.wait(timeout=120)
    conn = sqlite3.connect(copy)
    assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert 0 < conn.execute("select count(*) from attempts").fetchone()[0] <= 400
