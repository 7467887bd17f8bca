"""Decks, answer checking and FSRS sessions over simulated days, on a real progress.db."""

from __future__ import annotations

import collections
from datetime import datetime, timedelta, timezone

import pytest

from postprep.progress.store import Store
from postprep.quiz.answers import is_correct, normalise, option_to_remove, shown_options
from postprep.quiz.decks import Card, load_decks, topics
from postprep.quiz.scheduler import QuizSession, QuizSettings, auto_rating, day_window

EST = timezone(timedelta(hours=-5))


class FakeClock:
    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


def make_cards(n: int, pillar: int = 0, deck: str = "d") -> list[Card]:
    return [Card(f"{deck}-{i}", deck, pillar, "self-attention", "recall", f"q{i}", "a", "e", "s") for i in range(n)]


@pytest.fixture
def clock():
    return FakeClock(datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc))  # 10:00 in EST


def session(tmp_path, clock, cards, **settings) -> QuizSession:
    store = Store(tmp_path / "progress.db", clock)
    return QuizSession(store, cards, clock, QuizSettings(fuzzing=False, **settings), tz=EST)


# --- decks --------------------------------------------------------------------------------------
def test_builtin_decks_are_valid_and_cover_every_topic():
    decks, problems = load_decks()
    assert problems == []
    cards = [c for d in decks for c in d.cards]
    assert len(cards) >= 250
    assert len({c.id for c in cards}) == len(cards)
    assert {d.pillar for d in decks} == set(range(6))
    per_topic = collections.Counter(c.topic for c in cards)
    thin = {t: per_topic[t] for t in topics() if per_topic[t] < 3}
    assert not thin, f"topics with fewer than 3 cards: {thin}"
    for c in cards:
        assert topics()[c.topic].pillar == c.pillar, c.id
        assert len(c.source) > 10 and len(c.explanation) > 20, c.id
        if c.kind == "choice":
            assert c.answer in c.options, c.id
    assert collections.Counter(c.kind for c in cards).keys() == {"recall", "choice", "short"}


def test_a_broken_user_deck_is_reported_with_file_and_line_and_others_load(tmp_path):
    good = tmp_path / "mine.toml"
    good.write_text('format_version = 1\nid = "mine"\npillar = 2\ntitle = "Mine"\n\n[[cards]]\nid = "mine-1"\n'
                    'topic = "my-topic"\nkind = "recall"\nquestion = "Q?"\nanswer = "A."\nexplanation = "Because."\n'
                    'source = "My notes"\n')
    broken = tmp_path / "broken.toml"
    broken.write_text('format_version = 1\nid = "b"\npillar = 1\ntitle = "B"\n[[cards]\nid = "x"\n')
    incomplete = tmp_path / "incomplete.toml"
    incomplete.write_text('format_version = 1\nid = "c"\npillar = 1\ntitle = "C"\n\n[[cards]]\nid = "c-1"\n'
                          'topic = "t"\nkind = "choice"\nquestion = "Q?"\nanswer = "z"\noptions = ["x", "y"]\n'
                          'explanation = "E."\nsource = "S."\n')
    decks, problems = load_decks(tmp_path)
    assert "mine" in {d.id for d in decks} and len(decks) == 7
    by_file = {p.path.name: p for p in problems}
    assert by_file["broken.toml"].line == 5 and "not valid TOML" in by_file["broken.toml"].message
    assert by_file["incomplete.toml"].line == 7
    assert str(by_file["incomplete.toml"]).startswith(f"{incomplete}:7: card 'c-1': the answer must be one of its options")


# --- answers ------------------------------------------------------------------------------------
def test_typed_answers_are_normalised():
    card = Card("x", "d", 0, "t", "short", "q", "KL divergence", "e", "s", accept=("relative entropy",))
    for given in ("kl divergence", "  KL   Divergence. ", "KL-divergence", "Relative entropy", "“kl divergence”"):
        assert is_correct(card, given), given
    assert not is_correct(card, "cross entropy")
    assert normalise("  Hello,  World!! ") == "hello, world"


def test_numbers_with_tolerance():
    card = Card("n", "d", 0, "t", "short", "q", "0.693", "e", "s", number=0.6931, tolerance=0.001)
    for given in ("0.693", "0.6935", ".693", "69.3%"):
        assert is_correct(card, given), given
    assert not is_correct(card, "0.7")
    big = Card("b", "d", 0, "t", "short", "q", "1319", "e", "s", number=1319, tolerance=0)
    assert is_correct(big, "1,319") and not is_correct(big, "1318")


def test_answers_exactly_on_the_tolerance_edge_count():
    cards = {c.id: c for d in load_decks()[0] for c in d.cards}
    softmax = cards["p0-softmax-temperature-numeric"]  # 0.982 ± 0.002
    assert (softmax.number, softmax.tolerance) == (0.982, 0.002)
    for given, right in (("0.98", True), ("0.984", True), ("0.9795", False), ("0.9845", False)):
        assert is_correct(softmax, given) == right, given
    grpo = cards["p1-grpo-advantage-value"]  # 1.0 ± 0.01
    assert (grpo.number, grpo.tolerance) == (1.0, 0.01)
    assert is_correct(grpo, "0.99") and is_correct(grpo, "1.01") and not is_correct(grpo, "0.989")


def test_choice_options_are_shown_shuffled_the_same_way_for_the_same_seed():
    choice = [c for d in load_decks()[0] for c in d.cards if c.kind == "choice"]
    card = next(c for c in choice if c.id == "p0-self-attention-why-sqrt-dk")
    assert card.options[0] == card.answer
    shown = shown_options(card, "2026-03-02")
    assert sorted(shown) == sorted(card.options) and shown == shown_options(card, "2026-03-02")
    assert shown.index(card.answer) == 1
    assert any(shown_options(card, day) != shown for day in ("2026-03-03", "2026-03-04"))
    first_is_right = sum(shown_options(c, "2026-03-02")[0] == c.answer for c in choice)
    assert first_is_right < len(choice) / 2  # decks list the answer first 129 times out of 150
    assert option_to_remove(card, shown) != card.answer


def test_the_terminal_quiz_numbers_the_options_as_shown_options_orders_them(tmp_path, clock):
    import io

    from rich.console import Console

    from postprep.tui.quiz_cli import Keys, TerminalQuiz

    card = next(c for d in load_decks()[0] for c in d.cards if c.id == "p0-self-attention-why-sqrt-dk")
    s = session(tmp_path, clock, [card])
    shown = shown_options(card, clock().date())
    out = io.StringIO()
    pick = shown.index(card.answer) + 1
    TerminalQuiz(s, Console(file=out, width=300), Keys(io.StringIO(f"{pick}\n\n")), limit=1).run()
    listed = [line.strip()[2:] for line in out.getvalue().splitlines() if line.strip()[:2] in ("1 ", "2 ", "3 ", "4 ")]
    assert listed[:len(shown)] == shown
    assert s.answered[0].correct
    assert s.store.db.execute("select answer from reviews").fetchone()[0] == card.answer


def test_auto_rating_follows_the_fsrs_advice():
    assert auto_rating(False, False, 1_000, 10_000) == 1
    assert auto_rating(True, False, 5_000, 10_000) == 3
    assert auto_rating(True, True, 5_000, 10_000) == 2  # a hint
    assert auto_rating(True, False, 200_000, 10_000) == 2  # far slower than usual


# --- sessions over simulated days ---------------------------------------------------------------
def test_intervals_grow_on_good_and_shrink_on_again(tmp_path, clock):
    s = session(tmp_path, clock, make_cards(1))
    card = s.next_card()
    intervals = []
    for _ in range(6):
        s.answer(card, 3, source="chosen")
        due = s.store.card_states()[card.id][1]
        intervals.append(due - clock.now)
        clock.now = due
    assert intervals[-1] > intervals[-2] > intervals[-3] > timedelta(days=1)
    s.answer(card, 1, source="chosen")  # a lapse: back to relearning, due within minutes
    state, due = s.store.card_states()[card.id]
    assert state == 3 and due - clock.now <= timedelta(minutes=10)
    assert s.store.card_state(card.id)["lapses"] == 1


def test_daily_new_card_limit_and_the_4am_cutoff(tmp_path, clock):
    s = session(tmp_path, clock, make_cards(10), new_per_day=3)
    assert s.counts().new == 3
    for _ in range(3):
        s.answer(s.by_id[s.queues()[2][0]], 4, source="chosen")  # Easy: straight to review, out of today
    assert s.counts().new == 0
    clock.now = datetime(2026, 3, 3, 8, 59, tzinfo=timezone.utc)  # 03:59 EST: still yesterday's quiz day
    assert s.counts().new == 0
    clock.now = datetime(2026, 3, 3, 9, 0, tzinfo=timezone.utc)  # 04:00 EST: a new day
    assert s.counts().new == 3
    start, end = day_window(clock.now, 4, EST)
    assert (start.hour, end - start) == (9, timedelta(days=1))


def test_review_limit(tmp_path, clock):
    s = session(tmp_path, clock, make_cards(6), new_per_day=6, review_limit=2)
    for _ in range(6):
        s.answer(s.by_id[s.queues()[2][0]], 4, source="chosen")
    clock.advance(days=60)
    assert s.counts().review == 2


def test_learning_steps_come_before_reviews(tmp_path, clock):
    s = session(tmp_path, clock, make_cards(2), new_per_day=2)
    first, second = s.cards
    s.answer(first, 4, source="chosen")   # first goes to review
    clock.advance(days=30)
    s.answer(second, 1, source="chosen")  # second is in learning, due in a minute
    clock.advance(minutes=2)
    assert s.next_card() is second
    s.answer(second, 4, source="chosen")
    assert s.next_card() is first


def test_leeches_are_flagged_at_8_lapses(tmp_path, clock):
    s = session(tmp_path, clock, make_cards(1))
    card = s.cards[0]
    s.answer(card, 4, source="chosen")
    for lapse in range(8):
        clock.now = s.store.card_states()[card.id][1]
        s.answer(card, 1, source="chosen")       # lapse
        assert (card.id in s.store.leeches()) == (lapse == 7)
        clock.advance(minutes=15)
        s.answer(card, 4, source="chosen")       # back to review
    assert s.store.card_state(card.id)["lapses"] == 8


def test_undo_restores_the_card_and_removes_its_row(tmp_path, clock):
    s = session(tmp_path, clock, make_cards(2))
    card = s.next_card()
    s.answer(card, 3, source="chosen")
    before = s.store.card_state(card.id)
    clock.advance(minutes=5)
    s.answer(card, 1, source="auto", correct=False, given="wrong")
    assert s.store.db.execute("select count(*) from reviews").fetchone()[0] == 2
    undone = s.undo()
    assert undone.card is card and undone.rating == 1
    assert s.store.card_state(card.id) == before
    assert s.store.db.execute("select count(*) from reviews").fetchone()[0] == 1
    s.undo()
    assert s.store.card_state(card.id) is None  # new again
    assert s.undo() is None


def test_new_cards_of_the_preferred_pillars_come_first(tmp_path, clock):
    cards = make_cards(3, pillar=0, deck="a") + make_cards(3, pillar=3, deck="b")
    s = QuizSession(Store(tmp_path / "p.db", clock), cards, clock, QuizSettings(new_per_day=4), preferred_pillars=(3,))
    assert s.queues()[2] == ["b-0", "b-1", "b-2", "a-0"]


def test_every_review_row_keeps_what_statistics_need(tmp_path, clock):
    s = session(tmp_path, clock, make_cards(1))
    s.answer(s.cards[0], 2, source="auto", correct=True, given="x", hint_used=True, duration_ms=4200)
    row = next(s.store.db.query("select * from reviews"))
    assert row["at"] == "2026-03-02T15:00:00.000+00:00"
    assert (row["rating"], row["rating_source"], row["correct"], row["hint_used"], row["duration_ms"]) == (2, "auto", 1, 1, 4200)
    assert (row["state_before"], row["state_after"]) == (0, 1)
    assert row["stability"] > 0 and 1 <= row["difficulty"] <= 10 and row["due"] > row["at"]
