"""Building today's quiz queue for a heavy user: 10,000 cards, 100,000 reviews over two years.

    python bench/quiz_queue.py [--runs 20]

Target (issue 4): under 50 ms on this machine. Prints the median and the worst run.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from postprep.progress.store import Store, iso
from postprep.quiz.decks import Card
from postprep.quiz.scheduler import QuizSession, QuizSettings

CARDS, REVIEWS, SEEN = 10_000, 100_000, 8_000


def populate(store: Store, now: datetime) -> list[Card]:
    rng = random.Random(0)
    cards = [Card(f"c{i}", f"deck{i % 6}", i % 6, "t", "recall", "q", "a", "e", "s") for i in range(CARDS)]
    start = now - timedelta(days=730)
    reviews = []
    for n in range(REVIEWS):
        card = cards[rng.randrange(SEEN)]
        at = start + timedelta(seconds=rng.randrange(730 * 86400))
        reviews.append((card.id, card.deck, iso(at), rng.choice((1, 3, 3, 3, 4)), "chosen", None, "", 0,
                        rng.randrange(2_000, 20_000), 2, 2, 10.0, 5.0, iso(at + timedelta(days=10)), 0, "{}", None))
    states = []
    for i in range(SEEN):
        due = now + timedelta(days=rng.uniform(-5, 60))
        state = 2 if rng.random() < 0.95 else 1
        card_json = json.dumps({"card_id": i, "state": state, "step": None, "stability": 10.0, "difficulty": 5.0,
                                "due": due.isoformat(), "last_review": iso(now - timedelta(days=3))})
        states.append((f"c{i}", state, iso(due), 0, 0, card_json, i))
    with store.db.atomic():
        store.db.conn.executemany(
            "insert into reviews (card_id, deck, at, rating, rating_source, correct, answer, hint_used, duration_ms,"
            " state_before, state_after, stability, difficulty, due, lapse, card_json, session_id)"
            " values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", reviews)
        store.db.conn.executemany("insert into card_states values (?,?,?,?,?,?,?)", states)
    return cards


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    now = datetime(2026, 11, 26, 15, 0, tzinfo=timezone.utc)
    store = Store(Path(tempfile.mkdtemp(prefix="postprep-bench-")) / "progress.db", clock=lambda: now)
    cards = populate(store, now)
    session = QuizSession(store, cards, lambda: now, QuizSettings())
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        learning, review, new, soon = session.queues()
        times.append(time.perf_counter() - start)
    print(f"{CARDS} cards, {REVIEWS} reviews: learning {len(learning) + len(soon)}, review {len(review)}, new {len(new)}")
    print(f"today's queue: median {statistics.median(times) * 1000:.1f} ms, worst {max(times) * 1000:.1f} ms over {args.runs} runs")


if __name__ == "__main__":
    main()
