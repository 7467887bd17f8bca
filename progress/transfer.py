"""Carry progress between machines: a readable JSON export, an import that never duplicates a
row, and a consistent copy of the database through SQLite's online backup."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

FORMAT = "postprep-progress"
VERSION = 1

# Each table with the columns that identify a row on any machine (local ids differ).
NATURAL_KEYS = {
    "plan_starts": ("start_date", "set_at"),
    "drill_sessions": ("drill", "started_at"),
    "quiz_sessions": ("started_at", "where_"),
    "attempts": ("drill", "at", "file", "status"),
    "hints": ("drill", "level", "at"),
    "give_ups": ("drill", "at"),
    "reviews": ("card_id", "at"),
    "design_answers": ("prompt", "finished_at"),
    "mock_sessions": ("started_at", "format"),
    "mock_parts": ("session_id", "position"),
    "mock_results": ("part_id",),
}
# Columns that point at another table's local id, remapped on import.
REFERENCES = {
    "attempts": {"session_id": "drill_sessions"},
    "hints": {"session_id": "drill_sessions"},
    "give_ups": {"session_id": "drill_sessions"},
    "reviews": {"session_id": "quiz_sessions"},
    "mock_parts": {"session_id": "mock_sessions"},
    "mock_results": {"part_id": "mock_parts"},
}


class TransferError(Exception):
    """The file cannot be imported; the message says why and what to do."""


def export_progress(store, path: Path) -> dict[str, int]:
    tables = {name: list(store.db.query(f"select * from [{name}] order by id")) for name in NATURAL_KEYS}
    data = {"format": FORMAT, "version": VERSION, "exported_at": store.clock().isoformat(), "tables": tables}
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)  # never a half-written export
    return {name: len(rows) for name, rows in tables.items()}


def read_export(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TransferError(f"There is no file at {path}.") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise TransferError(f"{path} is not a postprep export ({exc}).") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise TransferError(f"{path} is not a postprep export (made by `postprep export PATH`).")
    if not isinstance(data.get("version"), int) or data["version"] > VERSION:
        raise TransferError(f"{path} was made by a newer postprep (format {data.get('version')}); upgrade postprep.")
    return data


def import_progress(store, path: Path) -> dict[str, int]:
    """Adds the rows this database does not have yet; returns how many per table. All or nothing."""
    data = read_export(path)
    added: dict[str, int] = {}
    new_ids: dict[str, dict[int, int]] = {}
    with store.writing():
        for name, key in NATURAL_KEYS.items():
            columns = {c.name for c in store.db[name].columns} - {"id"}
            new_ids[name] = {}
            added[name] = 0
            for row in data.get("tables", {}).get(name, []):
                values = {c: row.get(c) for c in columns}
                for column, target in REFERENCES.get(name, {}).items():
                    if values.get(column) is not None:
                        values[column] = new_ids[target].get(values[column])
                where = " and ".join(f"[{k}] is ?" for k in key)
                found = store.db.execute(f"select id from [{name}] where {where}", [values[k] for k in key]).fetchone()
                if found:
                    local = found[0]
                else:
                    local = store.db[name].insert(values).last_pk
                    added[name] += 1
                if row.get("id") is not None:
                    new_ids[name][row["id"]] = local
        rebuild_card_states(store)
    return added


def rebuild_card_states(store, leech_lapses: int = 8) -> None:
    """card_states from the reviews: the latest answer per card, lapses summed."""
    store.db.execute("delete from card_states")
    store.db.execute(
        """insert into card_states (card_id, state, due, lapses, leech, card_json, review_id)
           select r.card_id, r.state_after, r.due, t.lapses, t.lapses >= ?, r.card_json, r.id
           from reviews r join (
               select card_id, sum(lapse) as lapses, max(at) as last_at from reviews group by card_id
           ) t on t.card_id = r.card_id and r.at = t.last_at""",
        [leech_lapses],
    )


def backup(store, path: Path) -> None:
    """A consistent copy while other processes may be writing (SQLite's online backup API)."""
    if path.exists():
        raise TransferError(f"{path} already exists; choose a new file name.")
    target = sqlite3.connect(path)
    try:
        store.db.conn.backup(target)
    finally:
        target.close()
