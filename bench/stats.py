"""`postprep stats` and `postprep today` over a heavy user's history: 200,000 reviews and 5,000
drill attempts over two years, 10,000 cards seen.

    python bench/stats.py [--runs 10]

Target (issue 5): both under 200 ms on this machine.
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

from postprep.drills.catalog import all_drills
from postprep.progress.store import Store, iso
from postprep.quiz.decks import load_decks
from postprep.tui.practice import progress_report, today

REVIEWS, ATTEMPTS = 200_000, 5_000


def populate(store: Store, now: datetime, card_ids: list[str], drill_ids: list[str]) -> None:
    rng = random.Random(0)
    start = now - timedelta(days=730)
    reviews = []
    for _ in range(REVIEWS):
        card = rng.choice(card_ids)
        at = start + timedelta(seconds=rng.randrange(730 * 86400))
        reviews.append((card, "deck", iso(at), rng.choice((1, 3, 3, 3, 4)), "chosen", None, "", 0, 5000,
                        rng.choice((0, 1, 2)), 2, rng.uniform(1, 100), 5.0, iso(at + timedelta(days=10)), 0, "{}", None))
    states = [(c, 2, iso(now + timedelta(days=rng.uniform(-5, 60))), 0, 0, json.dumps({}), i + 1)
              for i, c in enumerate(card_ids)]
    sessions, attempts = [], []
    for n in range(ATTEMPTS):
        drill = rng.choice(drill_ids)
        at = start + timedelta(seconds=rng.randrange(730 * 86400))
        if n % 5 == 0:
            sessions.append((len(sessions) + 1, drill, "numpy", "/w/f.py", iso(at)))
        attempts.append((drill, "numpy", "/w/f.py", iso(at), rng.uniform(60, 3000), rng.choice(("pass", "fail")),
                         10, 13, 0, "", 300, len(sessions)))
    with store.writing():
        c = store.db.conn
        c.executemany("insert into reviews (card_id, deck, at, rating, rating_source, correct, answer, hint_used,"
                      " duration_ms, state_before, state_after, stability, difficulty, due, lapse, card_json, session_id)"
                      " values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", reviews)
        c.executemany("insert into card_states values (?,?,?,?,?,?,?)", states)
        c.executemany("insert into drill_sessions values (?,?,?,?,?)", sessions)
        c.executemany("insert into attempts (drill, framework, file, at, elapsed_s, status, passed, total,"
                      " hints_used, message, grading_ms, session_id) values (?,?,?,?,?,?,?,?,?,?,?,?)", attempts)


def timed(fn, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    now = datetime(2026, 11, 26, 15, 0, tzinfo=timezone.utc)
    decks, _ = load_decks()
    cards = [c for d in decks for c in d.cards]
    card_ids = [c.id for c in cards] + [f"user-{i}" for i in range(10_000 - len(cards))]
    drills = list(all_drills().values())
    store = Store(Path(tempfile.mkdtemp(prefix="postprep-bench-")) / "progress.db", clock=lambda: now)
    populate(store, now, card_ids, [d.id for d in drills])
    store.start_plan((now - timedelta(days=40)).date())
    for name, fn in (("stats", lambda: progress_report(store, drills, cards)),
                     ("today", lambda: today(store, drills, cards))):
        median, worst = timed(fn, args.runs)
        print(f"{name}: median {median * 1000:.0f} ms, worst {worst * 1000:.0f} ms over {args.runs} runs")


if __name__ == "__main__":
    main()
