"""Checking typed and chosen answers."""

from __future__ import annotations

import re
import string
import unicodedata

from postprep.quiz.decks import Card

_EDGE = string.punctuation + string.whitespace + "“”‘’"


def normalise(text: str) -> str:
    """Lower case, unicode-compatible forms, whitespace collapsed, punctuation stripped at the ends."""
    text = unicodedata.normalize("NFKC", text).lower()
    return " ".join(text.split()).strip(_EDGE)


def parse_number(text: str) -> float | None:
    cleaned = unicodedata.normalize("NFKC", text).strip().lower().rstrip(".")
    cleaned = cleaned.replace(",", "").replace("_", "").replace(" ", "")
    percent = cleaned.endswith("%")
    try:
        value = float(cleaned.rstrip("%"))
    except ValueError:
        return None
    return value / 100 if percent else value


def is_correct(card: Card, given: str) -> bool:
    """A typed answer to a `short` card, or the chosen option of a `choice` card."""
    if card.kind == "choice":
        return given == card.answer
    if card.number is not None:
        value = parse_number(given)
        if value is not None and abs(value - card.number) <= card.tolerance:
            return True
    wanted = {normalise(a) for a in (card.answer, *card.accept)}
    return normalise(given) in wanted or _squash(normalise(given)) in {_squash(w) for w in wanted}


def _squash(text: str) -> str:
    """Spacing and hyphens do not matter: "kl-divergence" = "kl divergence" = "kldivergence"."""
    return re.sub(r"[\s\-_]", "", text)


def hint_for(card: Card) -> str:
    """A push that does not give the answer away (using one is recorded and rates at most Hard)."""
    if card.number is not None:
        return f"A number; anything within ±{card.tolerance:g} of it counts."
    if card.kind == "short":
        return f"{len(card.answer.split())} word(s), starting with {card.answer[:1]!r}."
    return ""
