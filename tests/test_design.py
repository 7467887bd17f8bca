"""Design prompts: the bank's content, suggestions from an answer's words, scores, the schedule."""

from __future__ import annotations

import json
import tomllib
from datetime import datetime, timedelta, timezone

import pytest

from postprep.progress.repractice import design_schedule
from postprep.progress.store import Store
from postprep.quiz.decks import topics
from postprep.quiz.design import PROMPTS, all_prompts, score, suggest

REQUIRED = {"math-data-flywheel", "eval-suite-customer-service", "serving-100-loras", "million-token-context",
            "agentic-feedback-aha", "distributed-training", "detect-reward-hacking", "verify-synthetic-data",
            "dpo-vs-ppo-vs-grpo", "llm-judge-limits"}


def test_the_bank_holds_every_design_question_of_the_guide():
    prompts = all_prompts()
    assert len(prompts) >= 12 and REQUIRED <= set(prompts)
    for p in prompts.values():
        assert 6 <= len(p.rubric) <= 10, p.id
        assert sum(r.weight == 3 for r in p.rubric) >= 2, p.id
        assert set(p.topics) <= set(topics()), p.id
        assert len(p.sources) >= 2 and 3 <= len(p.pitfalls) <= 6 and 3 <= len(p.follow_ups) <= 6, p.id
        assert all(2 <= len(r.keywords) <= 5 for r in p.rubric), p.id


def test_suggestions_come_from_the_answer_and_the_score_from_the_marks():
    prompt = next(iter(all_prompts().values()))
    first = prompt.rubric[0]
    answer = " and ".join(first.keywords)
    marks = suggest(prompt, answer)
    assert marks[0] == "covered" and len(marks) == len(prompt.rubric)
    assert suggest(prompt, "") == ["missed"] * len(prompt.rubric)
    assert score(prompt, ["covered"] * len(prompt.rubric)) == 1.0
    assert score(prompt, ["missed"] * len(prompt.rubric)) == 0.0
    half = score(prompt, ["partly"] * len(prompt.rubric))
    assert half == pytest.approx(0.5)
    with pytest.raises(ValueError):
        score(prompt, ["covered"])


def test_answered_prompts_come_back_sooner_when_the_score_was_low(tmp_path):
    now = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)
    store = Store(tmp_path / "p.db", lambda: now)
    a, b = list(all_prompts().values())[:2]
    store.record_design_answer(a.id, now - timedelta(minutes=30), "x", ["covered"] * len(a.rubric), [], 0.95)
    store.record_design_answer(b.id, now - timedelta(minutes=30), "y", ["missed"] * len(b.rubric), [], 0.1)
    due = design_schedule(store)
    assert due[a.id].due > due[b.id].due > now


def test_design_cli_marks_and_records(postprep, workspace, isolated_home):
    import sqlite3

    prompt = all_prompts()["dpo-vs-ppo-vs-grpo"]
    listing = json.loads(postprep("design", "--json").stdout)
    assert {r["id"] for r in listing} == set(all_prompts())
    answer = workspace / "design" / f"{prompt.id}.md"
    answer.parent.mkdir(parents=True)
    answer.write_text(" ".join(k for r in prompt.rubric for k in r.keywords))
    keys = "\n" * (len(prompt.rubric) - 1) + "m\n"  # take every suggestion but mark the last point missed
    result = postprep("design", prompt.id, "--no-edit", input=keys)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(isolated_home / "progress.db") as conn:
        marks, suggested, recorded = conn.execute("select marks, suggested, score from design_answers").fetchone()
    assert json.loads(suggested) == ["covered"] * len(prompt.rubric)
    assert json.loads(marks)[-1] == "missed" and recorded == pytest.approx(score(prompt, json.loads(marks)))
    assert f"Recorded: {recorded:.0%}" in result.stdout
    bad = postprep("design", "dpo-vs-ppo")
    assert bad.returncode == 2 and "Did you mean dpo-vs-ppo-vs-grpo?" in bad.stderr
