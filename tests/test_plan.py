from datetime import date

import pytest

from postprep.progress.plan import PLAN, block_of, parse_start, week_of


def test_weeks_follow_the_guide():
    start = date(2026, 1, 5)
    assert week_of(start, date(2026, 1, 4)) == 0
    assert week_of(start, start) == 1
    assert week_of(start, date(2026, 1, 11)) == 1 and week_of(start, date(2026, 1, 12)) == 2
    assert week_of(start, date(2026, 12, 31)) == 9  # "weeks 9+"
    assert [block_of(w).pillars for w in (1, 3, 5, 7, 9)] == [(0,), (1, 2), (1,), (4, 3), (5, 0, 1, 2, 3, 4)]
    assert [(b.first_week, b.last_week) for b in PLAN] == [(1, 2), (3, 4), (5, 6), (7, 8), (9, 9)]


def test_bad_dates_say_what_to_write():
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_start("next monday")
