"""progress.db: every drill session, attempt, hint and give-up is a row; nothing is updated in place.

Opened through sqlite-utils in WAL mode with a busy timeout; one connection per thread (open one
`Store` per thread). Schema changes are numbered migrations (sqlite_utils.Migrations).
"""

from __future__ import annotations

import fcntl
import json
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable

import sqlite_utils
from sqlite_utils import Migrations

from postprep.progress.home import StoreError, data_home, database_error

Clock = Callable[[], datetime]
BUSY_TIMEOUT_MS = 10_000
# A pass in a drill session after its give-up (the reference was on screen) is not a pass.
COUNTED_PASS = """attempts.status = 'pass' and not exists (select 1 from give_ups g
                  where g.session_id = attempts.session_id and g.at <= attempts.at)"""

migrations = Migrations("postprep")


@migrations()
def m001_drills(db: sqlite_utils.Database) -> None:
    db["drill_sessions"].create(
        {"id": int, "drill": str, "framework": str, "file": str, "started_at": str},
        pk="id",
    )
    db["attempts"].create(
        {
            "id": int, "drill": str, "framework": str, "file": str, "at": str,
            "elapsed_s": float, "status": str, "passed": int, "total": int,
            "hints_used": int, "message": str, "grading_ms": int, "session_id": int,
        },
        pk="id",
    )
    db["hints"].create({"id": int, "drill": str, "level": int, "at": str, "session_id": int}, pk="id")
    db["give_ups"].create({"id": int, "drill": str, "at": str, "session_id": int}, pk="id")
    db["attempts"].create_index(["drill", "at"])
    db["hints"].create_index(["drill", "session_id"])


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


def open_database(path: Path) -> sqlite_utils.Database:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=True)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # Someone else's database is left exactly as it is (WAL mode would already change it).
        tables = [row[0] for row in conn.execute("select name from sqlite_master where type = 'table'")]
        if tables and migrations.migrations_table not in tables:
            raise sqlite3.DatabaseError(f"it holds other tables: {', '.join(tables[:3])}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        db = sqlite_utils.Database(conn)
        with migration_lock(path):
            migrations.apply(db)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise database_error(path, exc) from None
    return db


@migrations()
def m002_quiz(db: sqlite_utils.Database) -> None:
    db["quiz_sessions"].create(
        {"id": int, "started_at": str, "ended_at": str, "answered": int, "where_": str}, pk="id"
    )
    # One row per answer; card_json is the FSRS card after it, so any state can be rebuilt.
    db["reviews"].create(
        {
            "id": int, "card_id": str, "deck": str, "at": str, "rating": int, "rating_source": str,
            "correct": int, "answer": str, "hint_used": int, "duration_ms": int,
            "state_before": int, "state_after": int, "stability": float, "difficulty": float,
            "due": str, "lapse": int, "card_json": str, "session_id": int,
        },
        pk="id",
    )
    db["reviews"].create_index(["card_id", "id"])
    db["reviews"].create_index(["at"])
    # The latest state of every card seen: a cache of the reviews, rebuilt from them on undo.
    db["card_states"].create(
        {"card_id": str, "state": int, "due": str, "lapses": int, "leech": int, "card_json": str,
         "review_id": int},
        pk="card_id",
    )
    db["card_states"].create_index(["due"])


@migrations()
def m003_plan(db: sqlite_utils.Database) -> None:
    # Every (re)start of the plan is a row; the latest is the plan in force.
    db["plan_starts"].create({"id": int, "start_date": str, "set_at": str}, pk="id")


@migrations()
def m004_design(db: sqlite_utils.Database) -> None:
    # One row per finished design answer: the text as submitted and the user's rubric marks.
    db["design_answers"].create(
        {"id": int, "prompt": str, "started_at": str, "finished_at": str, "elapsed_s": float,
         "answer": str, "marks": str, "suggested": str, "score": float},
        pk="id",
    )
    db["design_answers"].create_index(["prompt", "finished_at"])


@migrations()
def m005_mock(db: sqlite_utils.Database) -> None:
    # A mock interview: its parts are planned up front; a part's result is a row of its own, written
    # the moment the part ends, so an interrupted session keeps everything answered before.
    db["mock_sessions"].create(
        {"id": int, "started_at": str, "ended_at": str, "status": str, "format": str, "minutes": int,
         "seed": int, "week": int, "pid": int},
        pk="id",
    )
    db["mock_parts"].create(
        {"id": int, "session_id": int, "position": int, "kind": str, "item": str, "cards": str,
         "minutes": float, "file": str, "framework": str},
        pk="id",
    )
    db["mock_results"].create(
        {"id": int, "part_id": int, "started_at": str, "ended_at": str, "how": str, "score": float,
         "passed": int, "total": int, "answer": str, "detail": str},
        pk="id",
    )
    db["mock_parts"].create_index(["session_id", "position"])
    db["mock_results"].create_index(["part_id"])


@contextmanager
def migration_lock(path: Path):
    """Connections opening the same new database at once (the app's threads, a CLI check) must not
    both run a migration: the loser would fail with "table already exists"."""
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@dataclass
class Session:
    id: int
    drill: str
    framework: str
    file: str
    started_at: datetime


class Store:
    def __init__(self, path: Path | None = None, clock: Clock = utc_now):
        self.path = path or data_home() / "progress.db"
        self.clock = clock
        self.db = open_database(self.path)

    def close(self) -> None:
        self.db.conn.close()

    @contextmanager
    def writing(self):
        """A write transaction that takes the write lock at once (BEGIN IMMEDIATE): concurrent
        writers then wait for each other (busy timeout) instead of failing on a lock upgrade."""
        conn = self.db.conn
        if conn.in_transaction:
            with self.db.atomic():
                yield
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    # --- drill sessions -------------------------------------------------------------------------
    def start_drill(self, drill: str, framework: str, file: Path) -> Session:
        row = {"drill": drill, "framework": framework, "file": str(file), "started_at": iso(self.clock())}
        with self.writing():
            self.db["drill_sessions"].insert(row)
        return self.session(drill)

    def session(self, drill: str) -> Session | None:
        """The latest started session of this drill: its clock and file."""
        rows = list(self.db.query(
            "select * from drill_sessions where drill = ? order by id desc limit 1", [drill]
        ))
        if not rows:
            return None
        r = rows[0]
        return Session(r["id"], r["drill"], r["framework"], r["file"], parse_iso(r["started_at"]))

    def elapsed_s(self, session: Session | None) -> float | None:
        if session is None:
            return None
        return (self.clock() - session.started_at).total_seconds()

    # --- attempts, hints, give-ups ----------------------------------------------------------------
    def record_attempt(self, drill: str, framework: str, file: Path, status: str, passed: int,
                       total: int, message: str | None, grading_ms: int, *, started_at: datetime | None = None) -> dict:
        """One grading. In a mock (`started_at` = its part's start) it is timed from there, with no
        hints and outside the drill's own session."""
        session = None if started_at else self.session(drill)
        row = {
            "drill": drill, "framework": framework, "file": str(file), "at": iso(self.clock()),
            "elapsed_s": (self.clock() - started_at).total_seconds() if started_at else self.elapsed_s(session),
            "status": status, "passed": passed, "total": total,
            "hints_used": 0 if started_at else self.hints_used(drill), "message": message or "",
            "grading_ms": grading_ms, "session_id": session.id if session else None,
        }
        with self.writing():
            self.db["attempts"].insert(row)
        return row

    def hints_used(self, drill: str) -> int:
        """Hints taken in the current session of this drill (all of them when there is none)."""
        session = self.session(drill)
        sql = "select count(*) from hints where drill = ?" + (" and session_id = ?" if session else "")
        args = [drill, session.id] if session else [drill]
        return self.db.execute(sql, args).fetchone()[0]

    def record_hint(self, drill: str) -> int:
        """Takes the next hint; returns its level (1 = the first)."""
        session = self.session(drill)
        with self.writing():
            level = self.hints_used(drill) + 1
            self.db["hints"].insert({"drill": drill, "level": level, "at": iso(self.clock()),
                                     "session_id": session.id if session else None})
        return level

    def record_give_up(self, drill: str) -> None:
        session = self.session(drill)
        with self.writing():
            self.db["give_ups"].insert({"drill": drill, "at": iso(self.clock()),
                                        "session_id": session.id if session else None})

    def has_passed(self, drill: str) -> bool:
        return self.db.execute(
            f"select 1 from attempts where drill = ? and {COUNTED_PASS} limit 1", [drill]
        ).fetchone() is not None

    def has_given_up(self, drill: str) -> bool:
        return self.db.execute("select 1 from give_ups where drill = ? limit 1", [drill]).fetchone() is not None

    def drill_summaries(self) -> dict[str, dict]:
        """Per drill: status (new | started | attempted | passed), attempts, best time to pass."""
        summary: dict[str, dict] = {}
        for r in self.db.query("select distinct drill from drill_sessions"):
            summary[r["drill"]] = {"status": "started", "attempts": 0, "best_s": None, "last_at": None}
        for r in self.db.query(
            f"""select drill, count(*) as attempts, sum({COUNTED_PASS}) as passes,
                       min(case when {COUNTED_PASS} then elapsed_s end) as best_s, max(at) as last_at
                from attempts group by drill"""
        ):
            summary[r["drill"]] = {
                "status": "passed" if r["passes"] else "attempted",
                "attempts": r["attempts"],
                "best_s": r["best_s"],
                "last_at": r["last_at"],
            }
        return summary

    def attempts(self, drill: str | None = None, limit: int = 20) -> list[dict]:
        where, args = ("where drill = ?", [drill]) if drill else ("", [])
        return list(self.db.query(f"select * from attempts {where} order by id desc limit ?", [*args, limit]))

    # --- quiz reviews -----------------------------------------------------------------------------
    def card_states(self) -> dict[str, tuple[int, datetime]]:
        """card id -> (FSRS state, due) for every card seen."""
        rows = self.db.execute("select card_id, state, due from card_states").fetchall()
        return {cid: (state, datetime.fromisoformat(due)) for cid, state, due in rows}

    def seen_cards(self) -> set[str]:
        return {r[0] for r in self.db.execute("select card_id from card_states")}

    def due_cards(self, learning_until: datetime, review_until: datetime) -> list[tuple[str, int, datetime]]:
        """(card id, state, due) of learning/relearning cards due by `learning_until` and review
        cards due before `review_until` (dues are stored as UTC ISO text, so they compare as text)."""
        rows = self.db.execute(
            "select card_id, state, due from card_states where (state in (1, 3) and due <= ?) or (state = 2 and due < ?)",
            [iso(learning_until), iso(review_until)],
        ).fetchall()
        return [(cid, state, datetime.fromisoformat(due)) for cid, state, due in rows]

    def card_state(self, card_id: str) -> dict | None:
        rows = list(self.db.query("select * from card_states where card_id = ?", [card_id]))
        return rows[0] if rows else None

    def record_review(self, row: dict, lapses: int, leech: bool) -> int:
        with self.writing():
            review_id = self.db["reviews"].insert(row).last_pk
            self.db["card_states"].upsert(
                {"card_id": row["card_id"], "state": row["state_after"], "due": row["due"], "lapses": lapses,
                 "leech": int(leech), "card_json": row["card_json"], "review_id": review_id},
                pk="card_id",
            )
        return review_id

    def undo_review(self, review_id: int, leech_lapses: int = 8) -> None:
        """Delete one review row and rebuild its card's state from the reviews that remain."""
        with self.writing():
            card_id = self.db.execute("select card_id from reviews where id = ?", [review_id]).fetchone()[0]
            self.db.execute("delete from reviews where id = ?", [review_id])
            self.db.execute("delete from card_states where card_id = ?", [card_id])
            rows = list(self.db.query("select * from reviews where card_id = ? order by id", [card_id]))
            if rows:
                last = rows[-1]
                lapses = sum(r["lapse"] for r in rows)
                self.db["card_states"].insert(
                    {"card_id": card_id, "state": last["state_after"], "due": last["due"], "lapses": lapses,
                     "leech": int(lapses >= leech_lapses), "card_json": last["card_json"], "review_id": last["id"]},
                )

    def reviews_by_state_between(self, start: datetime, end: datetime) -> dict[int, int]:
        """How many answers were given between two moments, by the state the card was in before."""
        rows = self.db.execute(
            "select state_before, count(*) from reviews where at >= ? and at < ? group by state_before",
            [iso(start), iso(end)],
        ).fetchall()
        return dict(rows)

    def recent_auto_durations(self, limit: int = 200) -> list[int]:
        rows = self.db.execute(
            "select duration_ms from reviews where correct is not null order by id desc limit ?", [limit]
        ).fetchall()
        return [r[0] for r in rows]

    def start_quiz_session(self, where: str) -> int:
        with self.writing():
            return self.db["quiz_sessions"].insert(
                {"started_at": iso(self.clock()), "answered": 0, "where_": where}
            ).last_pk

    def end_quiz_session(self, session_id: int) -> None:
        with self.writing():
            answered = self.db.execute("select count(*) from reviews where session_id = ?", [session_id]).fetchone()[0]
            self.db["quiz_sessions"].update(session_id, {"ended_at": iso(self.clock()), "answered": answered})

    def leeches(self) -> list[str]:
        return [r[0] for r in self.db.execute("select card_id from card_states where leech = 1 order by card_id")]

    # --- the study plan -----------------------------------------------------------------------------
    def start_plan(self, start: date) -> None:
        with self.writing():
            self.db["plan_starts"].insert({"start_date": start.isoformat(), "set_at": iso(self.clock())})

    def plan_start(self) -> date | None:
        row = self.db.execute("select start_date from plan_starts order by id desc limit 1").fetchone()
        return date.fromisoformat(row[0]) if row else None

    # --- design answers ---------------------------------------------------------------------------
    def record_design_answer(self, prompt: str, started_at: datetime, answer: str, marks: list[str],
                             suggested: list[str], score: float) -> int:
        now = self.clock()
        with self.writing():
            return self.db["design_answers"].insert({
                "prompt": prompt, "started_at": iso(started_at), "finished_at": iso(now),
                "elapsed_s": (now - started_at).total_seconds(), "answer": answer,
                "marks": json.dumps(marks), "suggested": json.dumps(suggested), "score": score,
            }).last_pk

    def design_answers(self, prompt: str | None = None) -> list[dict]:
        where, args = ("where prompt = ?", [prompt]) if prompt else ("", [])
        return list(self.db.query(f"select * from design_answers {where} order by id", args))

    # --- mock interviews ----------------------------------------------------------------------------
    def start_mock(self, fmt: str, minutes: int, seed: int, week: int | None, parts: list[dict], pid: int) -> int:
        with self.writing():
            session = self.db["mock_sessions"].insert({
                "started_at": iso(self.clock()), "ended_at": None, "status": "running", "format": fmt,
                "minutes": minutes, "seed": seed, "week": week, "pid": pid}).last_pk
            self.db["mock_parts"].insert_all({**p, "session_id": session, "position": i} for i, p in enumerate(parts))
        return session

    def mock_session(self, session_id: int) -> dict | None:
        rows = list(self.db.query("select * from mock_sessions where id = ?", [session_id]))
        return rows[0] if rows else None

    def mock_sessions(self, status: str | None = None) -> list[dict]:
        where, args = ("where status = ?", [status]) if status else ("", [])
        return list(self.db.query(f"select * from mock_sessions {where} order by id", args))

    def mock_parts(self, session_id: int) -> list[dict]:
        """The session's parts in order, each with its result row's columns (None before it ends)."""
        return list(self.db.query(
            """select p.*, r.id as result_id, r.started_at, r.ended_at, r.how, r.score, r.passed, r.total,
                      r.answer, r.detail
               from mock_parts p left join mock_results r on r.part_id = p.id
               where p.session_id = ? order by p.position""", [session_id]))

    def record_mock_result(self, part_id: int, started_at: datetime, how: str, score: float | None,
                           passed: int | None = None, total: int | None = None, answer: str = "",
                           detail: dict | None = None) -> None:
        with self.writing():
            self.db["mock_results"].insert({
                "part_id": part_id, "started_at": iso(started_at), "ended_at": iso(self.clock()), "how": how,
                "score": score, "passed": passed, "total": total, "answer": answer,
                "detail": json.dumps(detail or {})})

    def update_mock_result(self, part_id: int, score: float, detail: dict) -> None:
        """The rubric marks of a design part, given after the clock stopped."""
        with self.writing():
            self.db.execute("update mock_results set score = ?, detail = ? where part_id = ?",
                            [score, json.dumps(detail), part_id])

    def end_mock(self, session_id: int, status: str) -> None:
        with self.writing():
            self.db.execute("update mock_sessions set status = ?, ended_at = ? where id = ? and status = 'running'",
                            [status, iso(self.clock()), session_id])

    def set_mock_file(self, part_id: int, path: Path) -> None:
        with self.writing():
            self.db.execute("update mock_parts set file = ? where id = ?", [str(path), part_id])

    def mock_quiz_answers(self, part_id: int) -> list[dict]:
        return [{"card_id": r["card_id"], "given": r["answer"], "correct": bool(r["correct"])}
                for r in self.db.query("select card_id, answer, correct from reviews where rating_source = ? order by id",
                                       [f"mock:{part_id}"])]
