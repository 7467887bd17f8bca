"""The drill bank: one folder per drill under bank/, described by its drill.toml."""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FORMAT_VERSION = 1
BANK = Path(__file__).parent / "bank"
SOLUTIONS = Path(__file__).parent.parent / "solutions"
FRAMEWORKS = ("numpy", "torch", "python")  # python: plain Python drills (strings, parsing, bookkeeping)
DIFFICULTIES = ("easy", "medium", "hard")
SUITE_FILE = "test_hidden.py"


class DrillError(Exception):
    """A drill cannot be found or its manifest is unusable; the message says what to do."""


@dataclass(frozen=True)
class Drill:
    id: str
    title: str
    pillar: int
    week: int
    difficulty: str
    minutes: int
    frameworks: tuple[str, ...]
    entry: tuple[str, ...]  # names the user's file must define
    forbidden: tuple[str, ...]  # dotted names of APIs the solution may not use
    hints: tuple[str, ...]
    tags: tuple[str, ...]
    timeout_s: float
    folder: Path

    @property
    def prompt(self) -> str:
        return (self.folder / "prompt.md").read_text(encoding="utf-8")

    @property
    def suite(self) -> Path:
        return self.folder / SUITE_FILE

    @property
    def solution(self) -> Path:
        return SOLUTIONS / f"{self.id}.py"

    def starter(self, framework: str) -> Path:
        return self.folder / f"starter_{framework}.py"

    def mutants(self) -> list[Path]:
        return sorted((self.folder / "mutants").glob("*.py"))

    def file_name(self, framework: str) -> str:
        """The user's file in the workspace; the framework is part of the name when there is a choice."""
        return f"{self.id}.py" if len(self.frameworks) == 1 else f"{self.id}_{framework}.py"


def _parse(folder: Path) -> Drill:
    path = folder / "drill.toml"
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DrillError(f"{path}: {exc}") from None
    version = raw.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise DrillError(
            f"{path} has format_version {version!r}; this postprep reads up to {FORMAT_VERSION}. "
            "Upgrade postprep."
        )
    try:
        drill = Drill(
            id=raw["id"],
            title=raw["title"],
            pillar=int(raw["pillar"]),
            week=int(raw["week"]),
            difficulty=raw["difficulty"],
            minutes=int(raw["minutes"]),
            frameworks=tuple(raw["frameworks"]),
            entry=tuple(raw["entry"]),
            forbidden=tuple(raw.get("forbidden", ())),
            hints=tuple(raw["hints"]),
            tags=tuple(raw.get("tags", ())),
            timeout_s=float(raw.get("timeout_s", 30)),
            folder=folder,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise DrillError(f"{path}: missing or malformed field {exc}") from None
    problems = manifest_problems(drill)
    if problems:
        raise DrillError(f"{path}: " + "; ".join(problems))
    return drill


def manifest_problems(drill: Drill) -> list[str]:
    problems = []
    if drill.id != drill.folder.name:
        problems.append(f"id {drill.id!r} differs from its folder name {drill.folder.name!r}")
    if not 0 <= drill.pillar <= 5:
        problems.append("pillar must be 0-5")
    if not 1 <= drill.week <= 9:
        problems.append("week must be 1-9")
    if drill.difficulty not in DIFFICULTIES:
        problems.append(f"difficulty must be one of {DIFFICULTIES}")
    if not drill.frameworks or set(drill.frameworks) - set(FRAMEWORKS):
        problems.append(f"frameworks must be a non-empty subset of {FRAMEWORKS}")
    if len(drill.hints) < 3:
        problems.append("needs a ladder of at least 3 hints")
    if not drill.entry:
        problems.append("entry must name the functions the user writes")
    if drill.minutes <= 0 or drill.timeout_s <= 0:
        problems.append("minutes and timeout_s must be positive")
    return problems


@cache
def all_drills() -> dict[str, Drill]:
    """Every drill of the bank, in study order (plan week, then pillar, then id)."""
    drills = [_parse(folder) for folder in BANK.iterdir() if (folder / "drill.toml").is_file()]
    drills.sort(key=lambda d: (d.week, d.pillar, d.id))
    return {d.id: d for d in drills}


def did_you_mean(name: str, choices) -> str:
    """Names that start with what was typed first ("beam" -> beam_search), then the closest spellings."""
    choices = list(choices)
    starts = [c for c in choices if c.startswith(name.lower())] if len(name) >= 2 else []
    close = [c for c in difflib.get_close_matches(name, choices, n=3, cutoff=0.5) if c not in starts]
    suggestions = (starts + close)[:3]
    return f" Did you mean {' or '.join(suggestions)}?" if suggestions else ""


def get_drill(drill_id: str) -> Drill:
    drills = all_drills()
    if drill_id in drills:
        return drills[drill_id]
    raise DrillError(
        f"No drill named {drill_id!r}.{did_you_mean(drill_id, drills)} "
        "Run `postprep drills` to list them."
    )
