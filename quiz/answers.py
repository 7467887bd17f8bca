"""Checking typed and chosen answers."""

from __future__ import annotations

import random
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
        if value is not None and _within(value, card.number, card.tolerance):
            return True
    wanted = {normalise(a) for a in (card.answer, *card.accept)}
    return normalise(given) in wanted or _squash(normalise(given)) in {_squash(w) for w in wanted}


def _within(value: float, number: float, tolerance: float) -> bool:
    """Edges included: 0.98 is within 0.002 of 0.982 although the float difference is 0.0020000000000000018."""
    slack = 1e-9 * max(1.0, abs(number), tolerance)
    return abs(value - number) <= tolerance + slack


def shown_options(card: Card, seed: object) -> list[str]:
    """A choice card's options in the order they are shown and numbered: shuffled (most decks list
    the answer first), the same order for the same seed (a quiz's day, a mock's session)."""
    options = list(card.options)
    random.Random(f"{seed}:{card.id}").shuffle(options)
    return options


def option_to_remove(card: Card, options: list[str]) -> str:
    """The wrong option a hint takes away, the same one each time for a card."""
    return random.Random(card.id).choice([o for o in options if o != card.answer])


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
