"""Correct answers written in other styles (numpy and torch, loops, einsum, other tie rules, other
fixes) must pass the hidden suites: a suite that only accepts our own reference is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from postprep.drills.catalog import get_drill
from postprep.drills.grader import grade

ANSWERS = sorted(Path(__file__).parent.joinpath("answers").glob("*/*.py"))



@pytest.mark.slow
@pytest.mark.parametrize("answer", ANSWERS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_other_correct_answers_pass(answer, warm):
    drill = get_drill(answer.parent.name)
    result = grade(drill, answer, run=warm.run)
    failing = [f"{t.name}: {t.message}" for t in result.tests if t.status != "pass"]
    assert result.status == "pass", (result.message, failing)


def test_every_first_drill_has_other_answers():
    assert {p.parent.name for p in ANSWERS} >= {"attention", "top_k", "beam_search", "dpo_loss", "nan_debugging"}
