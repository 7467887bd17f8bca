"""Hidden suite for `rejection_sampling` (plain Python). Verifiers are deterministic functions that
record every call, so the suite can check what was verified and how often."""

import copy
import random
import zlib

import pytest
from hypothesis import Phase, given, settings, strategies as st

from postprep.drills.harness import check, fail

SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=60,
                    phases=[Phase.explicit, Phase.generate])
KEYS = ("candidates", "verified", "unique", "kept")


class Recorder:
    """Wraps a verdict function and records every (prompt, completion) it is asked about."""

    def __init__(self, verdict):
        self.verdict = verdict
        self.calls = []

    def __call__(self, prompt, completion):
        self.calls.append((prompt, completion))
        return bool(self.verdict(prompt, completion))


def raw_hash_verdict(prompt, completion):
    """Accepts about two thirds of the candidates, depending on the exact raw text."""
    return zlib.crc32((prompt + "\x00" + completion).encode("utf-8")) % 3 != 0


def spec(prompts, candidates, verdict, k):
    """The prompt's rules, one prompt at a time, with plain loops."""
    data, report = [], []
    for i in range(len(prompts)):
        accepted = []
        for c in candidates[i]:
            if verdict(prompts[i], c):
                accepted.append(c)
        unique = []
        for c in accepted:
            if all(" ".join(c.split()) != " ".join(u.split()) for u in unique):
                unique.append(c)
        kept = unique[:k]
        for c in kept:
            data.append((prompts[i], c))
        report.append({"candidates": len(candidates[i]), "verified": len(accepted),
                       "unique": len(unique), "kept": len(kept)})
    return data, report


def run(impl, prompts, candidates, verdict, k):
    """Calls the user's function and returns (data as a list of tuples, report as dicts, calls)."""
    verify = Recorder(verdict)
    out = impl.rejection_sample(prompts, candidates, verify, k)
    try:
        data, report = out
    except (TypeError, ValueError):
        fail(f"rejection_sample returned {type(out).__name__}; expected a (data, report) pair")
    pairs = []
    for j, item in enumerate(data):
        try:
            p, c = item
        except (TypeError, ValueError):
            fail(f"data[{j}] is {item!r}; expected a (prompt, completion) pair")
        pairs.append((p, c))
    counts = []
    for j, row in enumerate(report):
        if not isinstance(row, dict):
            fail(f"report[{j}] is {type(row).__name__}; expected a dict with keys {KEYS}")
        missing = [key for key in KEYS if key not in row]
        if missing:
            fail(f"report[{j}] has no key {missing[0]!r}")
        counts.append({key: row[key] for key in KEYS})
    return pairs, counts, verify.calls


def compare(got, expected):
    (data, report), (want_data, want_report) = got, expected
    check(len(report) == len(want_report),
          f"report has {len(report)} entries, expected one per prompt ({len(want_report)})")
    for i, (row, want) in enumerate(zip(report, want_report)):
        for key in KEYS:
            check(row[key] == want[key], f"report[{i}][{key!r}] is {row[key]!r}, expected {want[key]} "
                                         f"(full expected row: {want})")
    check(data == want_data, f"data is {data!r}, expected {want_data!r}")


def expect(impl, prompts, candidates, verdict, k):
    data, report, calls = run(impl, prompts, candidates, verdict, k)
    compare((data, report), spec(prompts, candidates, verdict, k))
    return calls


def test_worked_example(impl):
    """The prompt's example: three prompts, k = 2, one prompt with no survivor."""
    prompts = ["2+2?", "3*3?", "10-7?"]
    candidates = [
        ["The answer is 4", "The  answer is\n4", "The answer is 5", "4, so the answer is 4", "The answer is 4 "],
        ["9", "It is 9", "it is 9", "9"],
        ["4", "2"],
    ]
    answers = {"2+2?": "4", "3*3?": "9", "10-7?": "3"}
    data, report, _ = run(impl, prompts, candidates, lambda p, c: c.split()[-1] == answers[p], 2)
    compare((data, report), (
        [("2+2?", "The answer is 4"), ("2+2?", "4, so the answer is 4"), ("3*3?", "9"), ("3*3?", "It is 9")],
        [{"candidates": 5, "verified": 4, "unique": 2, "kept": 2},
         {"candidates": 4, "verified": 4, "unique": 3, "kept": 2},
         {"candidates": 2, "verified": 0, "unique": 0, "kept": 0}],
    ))


def test_verifier_called_once_per_candidate(impl):
    """verify is called exactly once for every candidate, repeated candidates included, with the original text."""
    prompts = ["p0", "p1", "p0"]
    candidates = [["a", "a", " a", "b", "c", "d"], ["x", "x ", "y"], ["a", "b"]]
    calls = expect(impl, prompts, candidates, lambda p, c: True, 1)
    want = sorted((prompts[i], c) for i in range(3) for c in candidates[i])
    check(len(calls) == len(want), f"verify was called {len(calls)} times for {len(want)} candidates "
                                   "(once per candidate, even after k survivors and for repeated texts)")
    check(sorted(calls) == want, f"verify was called with {sorted(calls)!r}, expected each (prompt, candidate) "
                                 f"once: {want!r}")


def test_whitespace_normalisation(impl):
    """Duplicates are equal after collapsing whitespace runs and stripping the ends; case and punctuation count."""
    prompts = ["q"]
    candidates = [["x = 1\n\ny = 2", "  x = 1 y = 2 ", "x =\t1  y = 2", "X = 1 y = 2", "x = 1, y = 2",
                   "x=1 y=2", "x = 1 y = 2\n"]]
    expect(impl, prompts, candidates, lambda p, c: True, 10)
    data, _, _ = run(impl, prompts, candidates, lambda p, c: True, 10)
    check([c for _, c in data] == ["x = 1\n\ny = 2", "X = 1 y = 2", "x = 1, y = 2", "x=1 y=2"],
          f"kept {[c for _, c in data]!r}: the first three and the last are one text after normalisation")


def test_rejected_candidates_do_not_block_duplicates(impl):
    """Deduplication happens after verification: a rejected first copy does not remove a later accepted one."""
    prompts = ["q"]
    candidates = [["ans  7", "ans 7", "ans\t7", "other"]]
    verdict = lambda p, c: c != "ans  7"  # looks at the raw text
    data, report, _ = run(impl, prompts, candidates, verdict, 5)
    compare((data, report), ([("q", "ans 7"), ("q", "other")],
                             [{"candidates": 4, "verified": 3, "unique": 2, "kept": 2}]))


def test_cap_keeps_first_k_in_order(impl):
    """The cap keeps the first k unique survivors in candidate order (not the last, not sorted)."""
    prompts = ["q", "r"]
    candidates = [["zeta", "alpha", "bad", "mid", "alpha ", "beta"], ["c3", "c1", "c2"]]
    verdict = lambda p, c: c != "bad"
    data, report, _ = run(impl, prompts, candidates, verdict, 3)
    compare((data, report), ([("q", "zeta"), ("q", "alpha"), ("q", "mid"), ("r", "c3"), ("r", "c1"), ("r", "c2")],
                             [{"candidates": 6, "verified": 5, "unique": 4, "kept": 3},
                              {"candidates": 3, "verified": 3, "unique": 3, "kept": 3}]))


def test_zero_survivor_prompts(impl):
    """Prompts with no accepted candidate (or no candidates) are left out of data but reported with zeros."""
    prompts = ["a", "b", "c", "d"]
    candidates = [["1", "2"], [], ["3"], ["ok"]]
    verdict = lambda p, c: c == "ok"
    data, report, _ = run(impl, prompts, candidates, verdict, 2)
    compare((data, report), ([("d", "ok")],
                             [{"candidates": 2, "verified": 0, "unique": 0, "kept": 0},
                              {"candidates": 0, "verified": 0, "unique": 0, "kept": 0},
                              {"candidates": 1, "verified": 0, "unique": 0, "kept": 0},
                              {"candidates": 1, "verified": 1, "unique": 1, "kept": 1}]))
    data, report, _ = run(impl, [], [], verdict, 1)
    check(list(data) == [] and list(report) == [], "empty inputs should give ([], [])")


def test_prompts_are_independent(impl):
    """The same completion is kept under different prompts, and equal prompt texts at two positions stay separate."""
    prompts = ["same", "other", "same"]
    candidates = [["x", "y"], ["x", " x"], ["x", "y", "z"]]
    data, report, _ = run(impl, prompts, candidates, lambda p, c: True, 2)
    compare((data, report), ([("same", "x"), ("same", "y"), ("other", "x"), ("same", "x"), ("same", "y")],
                             [{"candidates": 2, "verified": 2, "unique": 2, "kept": 2},
                              {"candidates": 2, "verified": 2, "unique": 1, "kept": 1},
                              {"candidates": 3, "verified": 3, "unique": 3, "kept": 2}]))


def test_errors(impl):
    """ValueError for k < 1, a non-int k, or a candidates list whose length differs from prompts."""
    for k in (0, -1, 1.5):
        try:
            impl.rejection_sample(["p"], [["a"]], lambda p, c: True, k)
        except ValueError:
            continue
        fail(f"k={k!r} should raise ValueError")
    try:
        impl.rejection_sample(["p", "q"], [["a"]], lambda p, c: True, 1)
    except ValueError:
        pass
    else:
        fail("2 prompts with 1 candidate list should raise ValueError")


def test_inputs_not_modified(impl):
    """prompts, candidates and the inner lists are unchanged after the call."""
    prompts = ["p", "q"]
    candidates = [["b", "a", "b ", "c"], ["z", "y"]]
    before = (copy.deepcopy(prompts), copy.deepcopy(candidates))
    inner = list(candidates)
    run(impl, prompts, candidates, raw_hash_verdict, 1)
    check(prompts == before[0], f"prompts was modified: {prompts!r}")
    check(candidates == before[1], f"candidates was modified: {candidates!r}")
    check(all(a is b for a, b in zip(candidates, inner)), "the inner candidate lists were replaced")


WORDS = ["a", "b", "ab", "A", "1", "x=2", "so", "."]
SEPS = [" ", "  ", "\t", "\n", " \n "]


def random_completion(rng):
    words = [rng.choice(WORDS) for _ in range(rng.randint(0, 3))]
    text = words[0] if words else ""
    for w in words[1:]:
        text += rng.choice(SEPS) + w
    return rng.choice(["", " ", "\n"]) + text + rng.choice(["", " ", "\t"])


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n_prompts=st.integers(0, 4), k=st.integers(1, 4),
       mode=st.sampled_from(["hash", "hash", "all", "none"]))
def test_matches_loop_spec(impl, seed, n_prompts, k, mode):
    """On many random prompts, whitespace-varied duplicates and verifiers, matches the rules step by step."""
    rng = random.Random(seed)
    prompts = [rng.choice(["p", "q", "r", "p "]) for _ in range(n_prompts)]
    candidates = [[random_completion(rng) for _ in range(rng.randint(0, 7))] for _ in prompts]
    verdict = {"hash": raw_hash_verdict, "all": lambda p, c: True, "none": lambda p, c: False}[mode]
    calls = expect(impl, prompts, candidates, verdict, k)
    check(len(calls) == sum(map(len, candidates)),
          f"verify was called {len(calls)} times for {sum(map(len, candidates))} candidates")
