"""ML system-design prompts (quiz/prompts/*.toml) and their rubrics: suggestions from the answer's
words, and the score from the user's own marks."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

FORMAT_VERSION = 1
PROMPTS = Path(__file__).parent / "prompts"
MARKS = {"covered": 1.0, "partly": 0.5, "missed": 0.0}


@dataclass(frozen=True)
class RubricPoint:
    point: str
    weight: int
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class DesignPrompt:
    id: str
    title: str
    pillar: int
    week: int
    minutes: int
    topics: tuple[str, ...]
    scenario: str
    rubric: tuple[RubricPoint, ...]
    pitfalls: tuple[str, ...]
    follow_ups: tuple[str, ...]
    sources: tuple[str, ...]


class PromptError(ValueError):
    pass


def parse_prompt(path: Path) -> DesignPrompt:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise PromptError(f"{path}: not valid TOML: {exc}") from None
    if raw.get("format_version") != FORMAT_VERSION:
        raise PromptError(f"{path}: format_version must be {FORMAT_VERSION}")
    try:
        rubric = tuple(RubricPoint(r["point"].strip(), int(r["weight"]), tuple(k.lower() for k in r["keywords"]))
                       for r in raw["rubric"])
        return DesignPrompt(
            id=raw["id"], title=raw["title"], pillar=int(raw["pillar"]), week=int(raw["week"]),
            minutes=int(raw["minutes"]), topics=tuple(raw["topics"]), scenario=raw["scenario"].strip(),
            rubric=rubric, pitfalls=tuple(raw["pitfalls"]), follow_ups=tuple(raw["follow_ups"]),
            sources=tuple(raw["sources"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise PromptError(f"{path}: missing or malformed field {exc}") from None


def all_prompts() -> dict[str, DesignPrompt]:
    prompts = [parse_prompt(p) for p in sorted(PROMPTS.glob("*.toml"))]
    prompts.sort(key=lambda p: (p.week, p.pillar, p.id))
    return {p.id: p for p in prompts}


def _words(text: str) -> str:
    return " " + re.sub(r"[^a-z0-9+]+", " ", text.lower()) + " "


def suggest(prompt: DesignPrompt, answer: str) -> list[str]:
    """A suggestion per rubric point from the answer's words: covered when at least two of its
    keywords (or its only one) appear, partly when one does, missed otherwise. Only a suggestion:
    the user marks each point."""
    words = _words(answer)
    result = []
    for point in prompt.rubric:
        found = sum(_words(k) in words for k in point.keywords)
        needed = min(2, len(point.keywords))
        result.append("covered" if found >= needed else "partly" if found else "missed")
    return result


def score(prompt: DesignPrompt, marks: list[str]) -> float:
    """Weighted share of the rubric covered (partly counts half), 0-1."""
    if len(marks) != len(prompt.rubric) or any(m not in MARKS for m in marks):
        raise ValueError("one mark (covered, partly or missed) per rubric point")
    total = sum(p.weight for p in prompt.rubric)
    return sum(p.weight * MARKS[m] for p, m in zip(prompt.rubric, marks)) / total
