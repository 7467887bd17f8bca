"""The Anki export: a real .apkg, opened as Anki would read it, with GUIDs stable across exports."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

from postprep.quiz.anki import export_anki
from postprep.quiz.decks import load_decks


def notes(apkg: Path, tmp: Path) -> dict[str, str]:
    """guid -> the note's first field (our card id)."""
    with zipfile.ZipFile(apkg) as z:
        z.extract("collection.anki2", tmp)
    with sqlite3.connect(tmp / "collection.anki2") as conn:
        return {guid: flds.split("\x1f")[0] for guid, flds in conn.execute("select guid, flds from notes")}


def test_export_writes_every_card_with_stable_guids(tmp_path):
    decks, _ = load_decks()
    first, second = tmp_path / "a.apkg", tmp_path / "b.apkg"
    assert export_anki(decks, first) == sum(len(d.cards) for d in decks)
    export_anki(decks, second)
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    a, b = notes(first, tmp_path / "x"), notes(second, tmp_path / "y")
    assert a == b  # same GUID for the same card: Anki updates instead of duplicating
    assert sorted(a.values()) == sorted(c.id for d in decks for c in d.cards)


def test_cli_export_one_deck(postprep, tmp_path):
    out = tmp_path / "p1.apkg"
    result = postprep("export", "anki", str(out), "--deck", "p1-alignment")
    assert result.returncode == 0 and out.is_file()
    (tmp_path / "x").mkdir()
    ids = notes(out, tmp_path / "x").values()
    assert ids and all(i.startswith("p1-") for i in ids)
    bad = postprep("export", "anki", str(tmp_path / "p1.zip"))
    assert bad.returncode == 2 and "must end in .apkg" in bad.stderr
