"""The guide's nine-week study plan (shared/guide, "Recommended Study Plan"; DESIGN.md, Progress)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class PlanBlock:
    first_week: int
    last_week: int
    focus: str
    pillars: tuple[int, ...]  # the pillars whose cards and drills this block practises

    def covers(self, week: int) -> bool:
        return self.first_week <= week <= self.last_week


PLAN = (
    PlanBlock(1, 2, "Pillar 0 foundations + Stage 0 hands-on", (0,)),
    PlanBlock(3, 4, "SFT deep-dive (Pillar 1 SFT, Pillar 2 data) + Stage 1 hands-on", (1, 2)),
    PlanBlock(5, 6, "DPO / GRPO / PPO + Stages 2-3 hands-on", (1,)),
    PlanBlock(7, 8, "Evaluation (Pillar 4), tool use, infrastructure (Pillar 3) + Stage 4", (4, 3)),
    PlanBlock(9, 9, "Mock interviews, portfolio, review of weak spots", (5, 0, 1, 2, 3, 4)),
)
WEEKS = 9
MOCK_WEEK = 9  # mock interviews are the material of the last block
MOCKS_TARGET = 3  # finished mixed mocks that make week 9 "done" (our choice: one every two or three days)


def block_of(week: int) -> PlanBlock:
    return next(b for b in PLAN if b.covers(min(max(week, 1), WEEKS)))


def week_of(start: date, today: date) -> int:
    """1-based plan week of `today`; 0 before the start; weeks past 9 stay in week 9 ("9+")."""
    if today < start:
        return 0
    return min((today - start).days // 7 + 1, WEEKS)


def parse_start(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date: write it as YYYY-MM-DD, e.g. 2026-12-01") from None
