"""Daily quiz sessions: FSRS scheduling (the `fsrs` package) with Anki's session rules.

- a day runs from the local cutoff hour (4 am) to the next;
- new cards per day and a review limit, counted from today's review rows;
- learning and relearning cards are served first when due (and up to 20 minutes early when
  nothing else is left, like Anki's learn-ahead limit), then reviews, then new cards;
- new cards come first from the preferred pillars (the current plan week), then in deck order;
- 8 lapses flag a card as a leech;
- undo removes the last answer's review row and restores the card as it was.
"""

from __future__ import annotations

import statistics
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Callable

from postprep.progress.store import iso
from postprep.quiz.decks import Card

NEW_STATE = 0  # state_before of a card seen for the first time (FSRS states are 1-3)
STATE_NAMES = {0: "new", 1: "learning", 2: "review", 3: "relearning"}


@dataclass
class QuizSettings:
    new_per_day: int = 15
    review_limit: int = 200
    desired_retention: float = 0.9
    day_cutoff_hour: int = 4
    learn_ahead: timedelta = timedelta(minutes=20)
    leech_lapses: int = 8
    fuzzing: bool = True


@dataclass
class Counts:
    new: int
    learning: int
    review: int

    @property
    def total(self) -> int:
        return self.new + self.learning + self.review


def day_window(now: datetime, cutoff_hour: int, tz: tzinfo | None = None) -> tuple[datetime, datetime]:
    """The UTC start and end of the quiz day containing `now` (local days start at the cutoff hour)."""
    local = now.astimezone(tz)
    start = local.replace(hour=cutoff_hour, minute=0, second=0, microsecond=0)
    if local < start:
        start -= timedelta(days=1)
    return start.astimezone(timezone.utc), (start + timedelta(days=1)).astimezone(timezone.utc)


def auto_rating(correct: bool, hint_used: bool, duration_ms: int, usual_ms: float) -> int:
    """What the FSRS authors advise for auto-graded answers: wrong → Again (1), right → Good (3);
    Hard (2) only on a clear signal: a hint, or an answer far slower than usual."""
    if not correct:
        return 1
    if hint_used or duration_ms > max(3 * usual_ms, 30_000):
        return 2
    return 3


@dataclass
class Answered:
    """One answer given in this session (for undo and for the summary)."""

    card: Card
    review_id: int
    rating: int
    correct: bool | None


@dataclass
class QuizSession:
    """Today's queue over `cards`, persisted through `store`, with the clock passed in."""

    store: object
    cards: list[Card]
    clock: Callable[[], datetime]
    settings: QuizSettings = field(default_factory=QuizSettings)
    preferred_pillars: tuple[int, ...] = ()
    tz: tzinfo | None = None
    answered: list[Answered] = field(default_factory=list)
    session_id: int | None = None

    def __post_init__(self) -> None:
        from fsrs import Scheduler

        self.by_id = {c.id: c for c in self.cards}
        self.scheduler = Scheduler(desired_retention=self.settings.desired_retention,
                                   enable_fuzzing=self.settings.fuzzing)
        order = {p: i for i, p in enumerate(self.preferred_pillars)}
        # deck order is the cards' order; preferred pillars first
        self.new_order = sorted(self.cards, key=lambda c: order.get(c.pillar, len(order)))

    # --- the queue ------------------------------------------------------------------------------
    def _today(self) -> tuple[datetime, datetime, dict[int, int]]:
        start, end = day_window(self.clock(), self.settings.day_cutoff_hour, self.tz)
        done = self.store.reviews_by_state_between(start, end)
        return start, end, done

    def queues(self) -> tuple[list[str], list[str], list[str], list[str]]:
        """(learning due now, reviews due today, new cards allowed today, learning due soon)."""
        now = self.clock()
        _, end, done = self._today()
        learning_now, learning_soon, review = [], [], []
        for card_id, state, due in self.store.due_cards(now + self.settings.learn_ahead, end):
            if card_id not in self.by_id:
                continue
            if state == 2:
                review.append((due, card_id))
            else:
                (learning_now if due <= now else learning_soon).append((due, card_id))
        review_room = max(0, self.settings.review_limit - done.get(2, 0))
        new_room = max(0, self.settings.new_per_day - done.get(NEW_STATE, 0))
        seen = self.store.seen_cards()
        new = []
        for card in self.new_order:
            if len(new) >= new_room:
                break
            if card.id not in seen:
                new.append(card.id)
        return ([c for _, c in sorted(learning_now)], [c for _, c in sorted(review)][:review_room], new,
                [c for _, c in sorted(learning_soon)])

    def counts(self) -> Counts:
        learning_now, review, new, learning_soon = self.queues()
        return Counts(new=len(new), learning=len(learning_now) + len(learning_soon), review=len(review))

    def next_card(self) -> Card | None:
        learning_now, review, new, learning_soon = self.queues()
        for queue in (learning_now, review, new, learning_soon):
            if queue:
                return self.by_id[queue[0]]
        return None

    def next_learning_due(self) -> datetime | None:
        """When the next learning card of today comes back (after the learn-ahead window)."""
        _, end, _ = self._today()
        dues = [due for cid, state, due in self.store.due_cards(end, self.clock()) if state in (1, 3) and cid in self.by_id]
        return min(dues) if dues else None

    # --- answering ------------------------------------------------------------------------------
    def usual_answer_ms(self) -> float:
        recent = self.store.recent_auto_durations(limit=200)
        return statistics.median(recent) if len(recent) >= 20 else 20_000.0

    def answer(self, card: Card, rating: int, *, source: str, correct: bool | None = None,
               given: str = "", hint_used: bool = False, duration_ms: int = 0) -> Answered:
        """Schedule `card` with `rating` (1 Again … 4 Easy) and record the review row."""
        from fsrs import Card as FsrsCard, Rating

        now = self.clock()
        previous = self.store.card_state(card.id)
        # an explicit card_id: without one, fsrs sleeps 1 ms to make a unique timestamp id
        fsrs_card = FsrsCard.from_json(previous["card_json"]) if previous else FsrsCard(card_id=zlib.crc32(card.id.encode()), due=now)
        state_before = previous["state"] if previous else NEW_STATE
        lapses_before = previous["lapses"] if previous else 0
        after, _log = self.scheduler.review_card(fsrs_card, Rating(rating), review_datetime=now,
                                                 review_duration=duration_ms)
        lapse = int(state_before == 2 and rating == 1)
        lapses = lapses_before + lapse
        row = {
            "card_id": card.id, "deck": card.deck, "at": iso(now),
            "rating": rating, "rating_source": source, "correct": None if correct is None else int(correct),
            "answer": given, "hint_used": int(hint_used), "duration_ms": duration_ms,
            "state_before": state_before, "state_after": after.state.value, "stability": after.stability,
            "difficulty": after.difficulty, "due": iso(after.due), "lapse": lapse,
            "card_json": after.to_json(), "session_id": self.session_id,
        }
        review_id = self.store.record_review(row, lapses=lapses, leech=lapses >= self.settings.leech_lapses)
        done = Answered(card, review_id, rating, correct)
        self.answered.append(done)
        return done

    def undo(self) -> Answered | None:
        """Take back the last answer of this session: its row goes, the card is as it was."""
        if not self.answered:
            return None
        last = self.answered.pop()
        self.store.undo_review(last.review_id, self.settings.leech_lapses)
        return last

    def retrievability(self, card_id: str) -> float | None:
        from fsrs import Card as FsrsCard

        state = self.store.card_state(card_id)
        if state is None:
            return None
        return self.scheduler.get_card_retrievability(FsrsCard.from_json(state["card_json"]), self.clock())


