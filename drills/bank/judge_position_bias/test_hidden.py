"""Hidden suite for `judge_position_bias` (plain Python), with deterministic fake judges that count their calls."""

from collections import Counter

from hypothesis import Phase, given, settings, strategies as st

from postprep.drills.harness import assert_close, check, fail

import numpy as np

SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=80,
                    phases=(Phase.explicit, Phase.generate))
KEYS = ("consistency", "win_rate_a", "win_rate_b", "tie_rate", "biased_first", "biased_second")


class Judge:
    """A fake judge: `rule(question, first, second)` decides; every call is recorded."""

    def __init__(self, rule):
        self.rule = rule
        self.calls = []

    def __call__(self, question, first, second):
        self.calls.append((question, first, second))
        return self.rule(question, first, second)


def always(output):
    return Judge(lambda q, f, s: output)


QUALITY = {"great": 3, "good": 2, "ok": 1, "poor": 0, "good too": 2}


def fair(q, first, second):
    """No position bias: prefers the higher hidden quality, tie when equal."""
    a, b = QUALITY[first], QUALITY[second]
    return "first" if a > b else "second" if b > a else "tie"


def truth(a, b):
    return "a" if QUALITY[a] > QUALITY[b] else "b" if QUALITY[b] > QUALITY[a] else "tie"


PAIRS = [("q1", "great", "poor"), ("q2", "poor", "good"), ("q3", "good", "good too"), ("q4", "ok", "great"),
         ("q5", "good", "ok"), ("q6", "ok", "ok")]


def stats(impl, pairs, judge):
    out = impl.evaluate_pairs(pairs, judge)
    check(isinstance(out, dict), f"evaluate_pairs returned {type(out).__name__}; expected a dict")
    missing = [k for k in ("verdicts", *KEYS) if k not in out]
    check(not missing, f"evaluate_pairs' result has no key {missing[0]!r}" if missing else "")
    verdicts = out["verdicts"]
    check(isinstance(verdicts, (list, tuple)) and len(verdicts) == len(pairs),
          f"verdicts is {verdicts!r}; expected a list with one verdict per pair ({len(pairs)})")
    for k in KEYS:
        check(isinstance(out[k], (float, int)) and not isinstance(out[k], bool),
              f"{k} is {out[k]!r}; expected a float")
    return list(verdicts), {k: float(out[k]) for k in KEYS}


def same_rates(got, want):
    for k in KEYS:
        assert_close(np.array(got[k]), np.array(float(want[k])), what=k, rtol=1e-12, atol=1e-12)


def spec(pairs, outputs):
    """The rules, from a table of the judge's outputs per call (question, first, second)."""
    verdicts, counts = [], Counter()
    for q, a, b in pairs:
        x, y = outputs[(q, a, b)], outputs[(q, b, a)]
        fwd = {"first": "a", "second": "b", "tie": "tie"}[x]
        bwd = {"first": "b", "second": "a", "tie": "tie"}[y]
        verdicts.append(fwd if fwd == bwd else "tie")
        counts["consistency"] += fwd == bwd
        counts["biased_first"] += (x, y) == ("first", "first")
        counts["biased_second"] += (x, y) == ("second", "second")
    n = len(pairs)
    rates = {k: counts[k] / n for k in ("consistency", "biased_first", "biased_second")}
    rates.update(win_rate_a=verdicts.count("a") / n, win_rate_b=verdicts.count("b") / n, tie_rate=verdicts.count("tie") / n)
    return verdicts, rates


def test_worked_example(impl):
    """The prompt's example: verdicts ['a', 'b', 'tie'], consistency 2/3, biased_first 1/3."""
    def rule(q, first, second):
        return "first" if "good" in first else "second" if "good" in second else "first"
    got = impl.swap_verdict("q1", "good", "bad", Judge(rule))
    check(tuple(got) == ("a", True), f"swap_verdict('q1', 'good', 'bad', judge) = {got!r}; expected ('a', True)")
    got = impl.swap_verdict("q3", "meh", "so-so", Judge(rule))
    check(tuple(got) == ("tie", False), f"swap_verdict('q3', 'meh', 'so-so', judge) = {got!r}; expected ('tie', False)")
    verdicts, rates = stats(impl, [("q1", "good", "bad"), ("q2", "bad", "good"), ("q3", "meh", "so-so")], Judge(rule))
    check(verdicts == ["a", "b", "tie"], f"verdicts = {verdicts!r}; expected ['a', 'b', 'tie']")
    same_rates(rates, {"consistency": 2 / 3, "win_rate_a": 1 / 3, "win_rate_b": 1 / 3, "tie_rate": 1 / 3,
                       "biased_first": 1 / 3, "biased_second": 0.0})


def test_always_first_judge_gives_all_ties(impl):
    """A judge that always picks the first position: every verdict a tie, consistency 0, biased_first 1."""
    verdicts, rates = stats(impl, PAIRS, always("first"))
    check(verdicts == ["tie"] * len(PAIRS), f"verdicts = {verdicts!r}; expected all 'tie'")
    same_rates(rates, {"consistency": 0, "win_rate_a": 0, "win_rate_b": 0, "tie_rate": 1, "biased_first": 1, "biased_second": 0})


def test_always_second_judge_gives_all_ties(impl):
    """A judge that always picks the second position: all ties, consistency 0, biased_second 1."""
    verdicts, rates = stats(impl, PAIRS, always("second"))
    check(verdicts == ["tie"] * len(PAIRS), f"verdicts = {verdicts!r}; expected all 'tie'")
    same_rates(rates, {"consistency": 0, "win_rate_a": 0, "win_rate_b": 0, "tie_rate": 1, "biased_first": 0, "biased_second": 1})


def test_always_tie_judge_is_consistent(impl):
    """A judge that always says tie: all ties, and tie/tie counts as consistent (consistency 1)."""
    verdicts, rates = stats(impl, PAIRS, always("tie"))
    check(verdicts == ["tie"] * len(PAIRS), f"verdicts = {verdicts!r}; expected all 'tie'")
    same_rates(rates, {"consistency": 1, "win_rate_a": 0, "win_rate_b": 0, "tie_rate": 1, "biased_first": 0, "biased_second": 0})


def test_fair_judge_keeps_its_preferences(impl):
    """A judge without position bias: verdicts are its true preferences, consistency 1, no bias."""
    verdicts, rates = stats(impl, PAIRS, Judge(fair))
    want = [truth(a, b) for _, a, b in PAIRS]
    check(verdicts == want, f"verdicts = {verdicts!r}; expected {want!r}")
    same_rates(rates, {"consistency": 1, "win_rate_a": 2 / 6, "win_rate_b": 2 / 6, "tie_rate": 2 / 6,
                       "biased_first": 0, "biased_second": 0})


def test_exactly_two_calls_per_pair_in_both_orders(impl):
    """The judge is called exactly twice per pair: once (question, a, b) and once (question, b, a)."""
    judge = Judge(fair)
    stats(impl, PAIRS, judge)
    want = Counter()
    for q, a, b in PAIRS:
        want[(q, a, b)] += 1
        want[(q, b, a)] += 1
    got = Counter(judge.calls)
    check(len(judge.calls) == 2 * len(PAIRS), f"the judge was called {len(judge.calls)} times for {len(PAIRS)} pairs; expected {2 * len(PAIRS)}")
    check(got == want, f"the judge's calls were {judge.calls!r}; expected each pair once as (q, a, b) and once as (q, b, a)")
    judge = Judge(fair)
    impl.swap_verdict("q", "great", "ok", judge)
    check(judge.calls == [("q", "great", "ok"), ("q", "ok", "great")],
          f"swap_verdict called the judge with {judge.calls!r}; expected [(q, a, b), (q, b, a)] in that order")


def test_win_in_one_order_only_is_a_tie(impl):
    """A win in one order and a tie (or the other answer) in the swapped order gives ('tie', False)."""
    cases = [(("first", "tie"), ("tie", False)), (("tie", "second"), ("tie", False)), (("first", "second"), ("a", True)),
             (("second", "first"), ("b", True)), (("tie", "tie"), ("tie", True)), (("second", "tie"), ("tie", False)),
             (("second", "second"), ("tie", False)), (("tie", "first"), ("tie", False))]
    for outputs, want in cases:
        replies = iter(outputs)
        judge = Judge(lambda q, f, s: next(replies))
        got = impl.swap_verdict("q", "x", "y", judge)
        check(tuple(got) == want, f"judge outputs {outputs} (original order, then swapped) gave {got!r}; expected {want!r}")
        check(len(judge.calls) == 2, f"swap_verdict called the judge {len(judge.calls)} times; expected 2")


def test_position_biased_judge_with_real_preferences(impl):
    """A judge that prefers quality only when the gap is large, else the first position: small gaps become ties."""
    def rule(q, first, second):
        gap = QUALITY[first] - QUALITY[second]
        return "first" if gap > -2 else "second"  # favours position 1 unless it is far worse
    pairs = [("q1", "great", "poor"), ("q2", "poor", "great"), ("q3", "good", "ok"), ("q4", "ok", "good"), ("q5", "ok", "ok")]
    verdicts, rates = stats(impl, pairs, Judge(rule))
    check(verdicts == ["a", "b", "tie", "tie", "tie"], f"verdicts = {verdicts!r}; expected ['a', 'b', 'tie', 'tie', 'tie']")
    same_rates(rates, {"consistency": 0.4, "win_rate_a": 0.2, "win_rate_b": 0.2, "tie_rate": 0.6, "biased_first": 0.6, "biased_second": 0})


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(["q1", "q2"]), st.sampled_from(["x", "y", "z"]), st.sampled_from(["x", "y", "z"])),
                min_size=1, max_size=12),
       st.dictionaries(st.tuples(st.sampled_from(["q1", "q2"]), st.sampled_from(["x", "y", "z"]), st.sampled_from(["x", "y", "z"])),
                       st.sampled_from(["first", "second", "tie"])))
def test_matches_rules_for_random_judges(impl, pairs, table):
    """For many random deterministic judges and pair lists, verdicts and all rates follow the rules."""
    outputs = {}
    for q in ("q1", "q2"):
        for f in "xyz":
            for s in "xyz":
                outputs[(q, f, s)] = table.get((q, f, s), "first" if (f < s) == (q == "q1") else "second")
    judge = Judge(lambda q, f, s: outputs[(q, f, s)])
    verdicts, rates = stats(impl, pairs, judge)
    want_verdicts, want_rates = spec(pairs, outputs)
    check(verdicts == want_verdicts, f"for pairs {pairs!r}: verdicts {verdicts!r}, expected {want_verdicts!r}")
    same_rates(rates, want_rates)
    check(len(judge.calls) == 2 * len(pairs), f"the judge was called {len(judge.calls)} times for {len(pairs)} pairs")


def test_errors(impl):
    """An empty list of pairs, or a judge output other than 'first'/'second'/'tie', raises ValueError."""
    def expect_value_error(what, fn):
        try:
            got = fn()
        except ValueError:
            return
        except Exception as exc:  # noqa: BLE001
            fail(f"{what} raised {type(exc).__name__}; expected ValueError")
        fail(f"{what} returned {got!r}; expected ValueError")
    expect_value_error("evaluate_pairs([], judge)", lambda: impl.evaluate_pairs([], always("tie")))
    for bad in ["A", "First", "[[A]]", None, 1]:
        expect_value_error(f"a judge returning {bad!r}", lambda: impl.evaluate_pairs(PAIRS[:2], always(bad)))
        expect_value_error(f"swap_verdict with a judge returning {bad!r}", lambda: impl.swap_verdict("q", "a", "b", always(bad)))


def test_pairs_not_modified(impl):
    """The list of pairs is unchanged after evaluate_pairs."""
    pairs = [list(p) for p in PAIRS]
    impl.evaluate_pairs(pairs, Judge(fair))
    check(pairs == [list(p) for p in PAIRS], "evaluate_pairs modified its pairs")
