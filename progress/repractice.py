"""Passed drills and answered design prompts come back on a spaced schedule: FSRS again, one
"review" per finished drill session (a pass, rated from time against target and hints, or a
give-up) or design answer (rated from its rubric score), replayed from the rows, so nothing is
stored that could drift."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class DrillDue:
    drill: str
    due: datetime
    last_rating: int
    sessions: int


def rating_for(elapsed_s: float | None, target_s: float, hints: int, gave_up: bool) -> int:
    """Again for a give-up; Hard over the target or with hints; Easy in half the target with no
    hint; Good otherwise."""
    if gave_up:
        return 1
    if hints or elapsed_s is None or elapsed_s > target_s:
        return 2
    return 4 if elapsed_s <= target_s / 2 else 3


def finished_sessions(store) -> list[tuple]:
    """(drill, first pass time, its elapsed s, hints, give-up time) per drill session that ended
    in a pass or a give-up."""
    return store.db.execute(
        """select s.drill, p.passed_at, p.elapsed, coalesce(p.hints, 0), g.gave_up_at
           from drill_sessions s
           left join (select session_id, min(at) as passed_at, min(elapsed_s) as elapsed,
                             max(hints_used) as hints
                      from attempts where status = 'pass' group by session_id) p on p.session_id = s.id
           left join (select session_id, min(at) as gave_up_at from give_ups group by session_id) g
                  on g.session_id = s.id
           where p.passed_at is not null or g.gave_up_at is not null"""
    ).fetchall()


def drill_schedule(store, targets: dict[str, float]) -> dict[str, DrillDue]:
    """When each finished drill is due again. `targets`: drill id -> target seconds."""
    events = []
    for drill, passed_at, elapsed, hints, gave_up_at in finished_sessions(store):
        if drill not in targets:
            continue
        gave_up = gave_up_at is not None and (passed_at is None or gave_up_at < passed_at)
        when = gave_up_at if gave_up else passed_at
        events.append((when, drill, rating_for(elapsed, targets[drill], hints, gave_up)))
    return replay(events)


def design_rating(score: float) -> int:
    """A design answer's rubric score as an FSRS rating."""
    return 4 if score >= 0.85 else 3 if score >= 0.6 else 2 if score >= 0.3 else 1


def design_schedule(store) -> dict[str, DrillDue]:
    """When each design prompt answered before comes back."""
    rows = store.db.execute("select finished_at, prompt, score from design_answers").fetchall()
    return replay([(at, prompt, design_rating(score)) for at, prompt, score in rows])


def replay(events: list[tuple[str, str, int]]) -> dict[str, DrillDue]:
    """(when, key, rating) events through FSRS, oldest first: each key's next due date."""
    from fsrs import Card, Rating, Scheduler

    # Replayed on every read, so deterministic (no fuzz); days, not minutes: no learning steps.
    scheduler = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)
    cards: dict[str, tuple[Card, int, int]] = {}
    for when, key, rating in sorted(events):
        moment = datetime.fromisoformat(when)
        # an explicit card_id: without one, fsrs sleeps 1 ms to make a unique timestamp id
        card, _, count = cards.get(key, (Card(card_id=len(cards) + 1, due=moment), 0, 0))
        card, _ = scheduler.review_card(card, Rating(rating), review_datetime=moment)
        cards[key] = (card, rating, count + 1)
    return {k: DrillDue(k, c.due, r, n) for k, (c, r, n) in cards.items()}
