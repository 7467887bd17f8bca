"""Statistics, computed from the rows every time (attempts, reviews, sessions), never from
counters that could drift."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta, timezone, tzinfo

from postprep.progress.store import COUNTED_PASS


def activity(store, now: datetime, cutoff_hour: int = 4, tz: tzinfo | None = None, days: int = 365) -> Counter:
    """Answers and checks per practice day (days start at the cutoff hour, like the quiz's), over
    the last `days` days. Grouped in SQL with the local UTC offset of `now`."""
    offset = now.astimezone(tz).utcoffset() or timedelta(0)
    shift = f"{int(offset.total_seconds() // 60) - cutoff_hour * 60} minutes"
    since = (now - timedelta(days=days)).astimezone(timezone.utc).isoformat(timespec="milliseconds")
    counts: Counter = Counter()
    for table in ("reviews", "attempts"):
        for day, n in store.db.execute(
            f"select date(at, ?) as day, count(*) from {table} where at >= ? group by day", [shift, since]
        ):
            counts[date.fromisoformat(day)] += n
    return counts


def streak(days: Counter, today: date) -> int:
    """Consecutive practice days ending today (or yesterday, when today has nothing yet)."""
    day = today if days.get(today) else today - timedelta(days=1)
    count = 0
    while days.get(day):
        count += 1
        day -= timedelta(days=1)
    return count


def retrievabilities(store, now: datetime) -> dict[str, float]:
    """FSRS-6 retrievability of every card seen: (1 + factor * t / S) ** decay, t in whole days."""
    from fsrs import Scheduler

    decay = -Scheduler().parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    rows = store.db.execute(
        "select cs.card_id, r.stability, r.at from card_states cs join reviews r on r.id = cs.review_id"
    ).fetchall()
    result = {}
    for card_id, stability, at in rows:
        elapsed = max(0, (now - datetime.fromisoformat(at)).days)
        result[card_id] = (1 + factor * elapsed / stability) ** decay if stability else 0.0
    return result


def true_retention(store, since: datetime) -> tuple[float | None, int]:
    """Share of answers to cards in review state that were remembered (Hard, Good or Easy)."""
    passed, total = store.db.execute(
        "select sum(rating > 1), count(*) from reviews where state_before = 2 and at >= ?",
        [since.astimezone(timezone.utc).isoformat(timespec="milliseconds")],
    ).fetchone()
    return (passed / total if total else None), total


def time_to_pass(store) -> list[dict]:
    """The first pass of every drill session: when, which drill, how long it took."""
    rows = store.db.execute(
        f"""select drill, min(at), elapsed_s from attempts where {COUNTED_PASS} and session_id is not null
            group by session_id order by min(at)"""
    ).fetchall()
    return [{"drill": d, "at": at, "elapsed_s": e} for d, at, e in rows]


READINESS = ((0.85, "ready"), (0.6, "solid"), (0.25, "learning"), (0.0, "starting"))


def pillar_mastery(cards_by_pillar: dict[int, list[str]], drills_by_pillar: dict[int, list[str]],
                   recall: dict[str, float], passed: set[str]) -> list[dict]:
    """Per pillar: mean retrievability over all its cards (unseen count as 0), drills passed, and a
    readiness label from their average."""
    result = []
    for pillar in range(6):
        cards = cards_by_pillar.get(pillar, [])
        drills = drills_by_pillar.get(pillar, [])
        card_score = sum(recall.get(c, 0.0) for c in cards) / len(cards) if cards else None
        drill_score = sum(d in passed for d in drills) / len(drills) if drills else None
        parts = [x for x in (card_score, drill_score) if x is not None]
        score = sum(parts) / len(parts) if parts else 0.0
        if not any(c in recall for c in cards) and not any(d in passed for d in drills):
            label = "not started"
        else:
            label = next(name for floor, name in READINESS if score >= floor)
        result.append({
            "pillar": pillar, "cards": len(cards), "cards_seen": sum(c in recall for c in cards),
            "card_recall": card_score, "drills": len(drills), "drills_passed": sum(d in passed for d in drills),
            "score": score, "readiness": label,
        })
    return result
