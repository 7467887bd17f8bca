"""Export the decks as an Anki package (genanki). Note GUIDs come from the card ids, so exporting
again and importing updates the notes instead of duplicating them."""

from __future__ import annotations

import html
import zlib
from pathlib import Path

from postprep.quiz.decks import Card, Deck

MODEL_NAME = "postprep card v1"


def stable_id(name: str) -> int:
    """A fixed 31-bit id for a model or deck name (Anki wants them stable across exports)."""
    return (1 << 30) + zlib.crc32(name.encode()) % (1 << 30)


def _model():
    import genanki

    css = ".card { font-family: sans-serif; font-size: 18px; text-align: left; } .source { color: #888; font-size: 14px; }"
    return genanki.Model(
        stable_id(MODEL_NAME), MODEL_NAME,
        fields=[{"name": n} for n in ("CardId", "Question", "Options", "Answer", "Explanation", "Source")],
        templates=[{
            "name": "Card 1",
            "qfmt": "{{Question}}{{#Options}}<ol>{{Options}}</ol>{{/Options}}",
            "afmt": "{{FrontSide}}<hr id=answer><b>{{Answer}}</b><p>{{Explanation}}</p><p class=source>{{Source}}</p>",
        }],
        css=css,
        sort_field_index=0,
    )


def _text(value: str) -> str:
    return html.escape(value).replace("\n", "<br>")


def note_for(card: Card, model):
    import genanki

    options = "".join(f"<li>{_text(o)}</li>" for o in card.options)
    return genanki.Note(
        model=model,
        fields=[card.id, _text(card.question), options, _text(card.answer), _text(card.explanation), _text(card.source)],
        guid=genanki.guid_for("postprep", card.id),
        tags=[f"pillar{card.pillar}", card.topic, card.kind],
    )


def export_anki(decks: list[Deck], path: Path) -> int:
    """Writes one Anki deck per postprep deck into `path`; returns the number of notes."""
    import genanki

    model = _model()
    anki_decks = []
    for deck in decks:
        anki = genanki.Deck(stable_id(f"postprep::{deck.id}"), f"postprep::{deck.title}")
        for card in deck.cards:
            anki.add_note(note_for(card, model))
        anki_decks.append(anki)
    genanki.Package(anki_decks).write_to_file(str(path))
    return sum(len(d.cards) for d in decks)
