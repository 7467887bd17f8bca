"""Quiz cards: the built-in decks (quiz/decks/*.toml, one per pillar) and the user's own
(POSTPREP_HOME/decks/*.toml, same format, see quiz/decks/FORMAT.md). A broken deck file is reported
with its file and line; the other decks still load."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

FORMAT_VERSION = 1
BUILTIN = Path(__file__).parent / "decks"
TOPICS_FILE = Path(__file__).parent / "topics.toml"
KINDS = ("recall", "choice", "short")


@dataclass(frozen=True)
class Card:
    id: str
    deck: str
    pillar: int
    topic: str
    kind: str
    question: str
    answer: str
    explanation: str
    source: str
    options: tuple[str, ...] = ()
    accept: tuple[str, ...] = ()
    number: float | None = None
    tolerance: float | None = None


@dataclass(frozen=True)
class Deck:
    id: str
    pillar: int
    title: str
    path: Path
    builtin: bool
    cards: tuple[Card, ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class DeckProblem:
    path: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.message}"


class DeckError(ValueError):
    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Topic:
    id: str
    pillar: int
    guide: str


@cache
def topics() -> dict[str, Topic]:
    raw = tomllib.loads(TOPICS_FILE.read_text(encoding="utf-8"))
    return {t["id"]: Topic(t["id"], t["pillar"], t["guide"]) for t in raw["topics"]}


def _line_of(text: str, card_id: str | None) -> int | None:
    if not card_id:
        return None
    match = re.search(rf'^\s*id\s*=\s*["\']{re.escape(card_id)}["\']', text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _card(raw: dict, deck: str, pillar: int, builtin: bool) -> Card:
    missing = [k for k in ("id", "topic", "kind", "question", "answer", "explanation", "source") if not raw.get(k)]
    if missing:
        raise DeckError(f"card {raw.get('id', '(no id)')!r} lacks {', '.join(missing)}")
    kind = raw["kind"]
    if kind not in KINDS:
        raise DeckError(f"card {raw['id']!r}: kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if builtin and raw["topic"] not in topics():
        raise DeckError(f"card {raw['id']!r}: unknown topic {raw['topic']!r} (see quiz/topics.toml)")
    options = tuple(str(o) for o in raw.get("options", ()))
    if kind == "choice":
        if not 2 <= len(options) <= 6 or len(set(options)) != len(options):
            raise DeckError(f"card {raw['id']!r}: a choice card needs 2-6 distinct options")
        if raw["answer"] not in options:
            raise DeckError(f"card {raw['id']!r}: the answer must be one of its options")
    number, tolerance = raw.get("number"), raw.get("tolerance")
    if kind == "short":
        if (number is None) != (tolerance is None):
            raise DeckError(f"card {raw['id']!r}: number and tolerance go together")
        if number is not None and (not isinstance(number, (int, float)) or not isinstance(tolerance, (int, float)) or tolerance < 0):
            raise DeckError(f"card {raw['id']!r}: number and tolerance must be numbers, tolerance >= 0")
    return Card(
        id=raw["id"], deck=deck, pillar=pillar, topic=raw["topic"], kind=kind,
        question=raw["question"].strip(), answer=str(raw["answer"]).strip(),
        explanation=raw["explanation"].strip(), source=raw["source"].strip(), options=options,
        accept=tuple(str(a) for a in raw.get("accept", ())),
        number=float(number) if number is not None else None,
        tolerance=float(tolerance) if tolerance is not None else None,
    )


def parse_deck(path: Path, builtin: bool) -> Deck:
    text = path.read_text(encoding="utf-8")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise DeckError(f"not valid TOML: {exc}", int(line.group(1)) if line else None) from None
    version = raw.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise DeckError(f"format_version {version!r}: this postprep reads up to {FORMAT_VERSION}", 1)
    for key in ("id", "pillar", "title", "cards"):
        if key not in raw:
            raise DeckError(f"the deck lacks {key!r}")
    pillar = raw["pillar"]
    if not isinstance(pillar, int) or not 0 <= pillar <= 5:
        raise DeckError("pillar must be 0-5")
    cards = []
    for card in raw["cards"]:
        try:
            cards.append(_card(card, raw["id"], pillar, builtin))
        except DeckError as exc:
            raise DeckError(str(exc), _line_of(text, card.get("id"))) from None
    return Deck(raw["id"], pillar, raw["title"], path, builtin, tuple(cards))


def load_decks(user_dir: Path | None = None) -> tuple[list[Deck], list[DeckProblem]]:
    """Built-in decks, then the user's; ids must be unique across all of them."""
    decks, problems, seen = [], [], {}
    sources = [(p, True) for p in sorted(BUILTIN.glob("*.toml"))]
    if user_dir is not None and user_dir.is_dir():
        sources += [(p, False) for p in sorted(user_dir.glob("*.toml"))]
    for path, builtin in sources:
        try:
            deck = parse_deck(path, builtin)
        except DeckError as exc:
            problems.append(DeckProblem(path, exc.line, str(exc)))
            continue
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(DeckProblem(path, None, f"cannot read: {exc}"))
            continue
        clash = next((c.id for c in deck.cards if c.id in seen), None)
        if clash:
            text = path.read_text(encoding="utf-8")
            problems.append(DeckProblem(path, _line_of(text, clash), f"card id {clash!r} is already used in {seen[clash]}"))
            continue
        seen.update({c.id: path.name for c in deck.cards})
        decks.append(deck)
    return decks, problems
