"""progress.db: every drill session, attempt, hint and give-up is a row; nothing is updated in place.

Opened through sqlite-utils in WAL mode with a busy timeout; one connection per thread (open one
`Store` per thread). Schema changes are numbered migrations (sqlite_utils.Migrations).
"""

from __future__ import annotations

import fcntl
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import sqlite_utils
from sqlite_utils import Migrations

from postprep.progress.home import StoreError, data_home

Clock = Callable[[], datetime]
BUSY_TIMEOUT_MS = 10_000

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
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        db = sqlite_utils.Database(conn)
        with migration_lock(path):
            migrations.apply(db)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreError(
            f"{path} is not a postprep database or is damaged ({exc}). postprep left it untouched: "
            "move it away (or set POSTPREP_HOME to another folder) and run the command again."
        ) from None
    return db


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

    # --- drill sessions -------------------------------------------------------------------------
    def start_drill(self, drill: str, framework: str, file: Path) -> Session:
        row = {"drill": drill, "framework": framework, "file": str(file), "started_at": iso(self.clock())}
        with self.db.atomic():
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
                       total: int, message: str | None, grading_ms: int) -> dict:
        session = self.session(drill)
        row = {
            "drill": drill, "framework": framework, "file": str(file), "at": iso(self.clock()),
            "elapsed_s": self.elapsed_s(session), "status": status, "passed": passed, "total": total,
            "hints_used": self.hints_used(drill), "message": message or "", "grading_ms": grading_ms,
            "session_id": session.id if session else None,
        }
        with self.db.atomic():
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
        with self.db.atomic():
            level = self.hints_used(drill) + 1
            self.db["hints"].insert({"drill": drill, "level": level, "at": iso(self.clock()),
                                     "session_id": session.id if session else None})
        return level

    def record_give_up(self, drill: str) -> None:
        session = self.session(drill)
        with self.db.atomic():
            self.db["give_ups"].insert({"drill": drill, "at": iso(self.clock()),
                                        "session_id": session.id if session else None})

    def has_passed(self, drill: str) -> bool:
        return self.db.execute(
            "select 1 from attempts where drill = ? and status = 'pass' limit 1", [drill]
        ).fetchone() is not None

    def has_given_up(self, drill: str) -> bool:
        return self.db.execute("select 1 from give_ups where drill = ? limit 1", [drill]).fetchone() is not None

    def drill_summaries(self) -> dict[str, dict]:
        """Per drill: status (new | started | attempted | passed), attempts, best time to pass."""
        summary: dict[str, dict] = {}
        for r in self.db.query("select distinct drill from drill_sessions"):
            summary[r["drill"]] = {"status": "started", "attempts": 0, "best_s": None, "last_at": None}
        for r in self.db.query(
            """select drill, count(*) as attempts, sum(status = 'pass') as passes,
                      min(case when status = 'pass' then elapsed_s end) as best_s, max(at) as last_at
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
