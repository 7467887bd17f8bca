"""Every drill of the bank is sound: `postprep dev check`, drill by drill, plus fast manifest checks."""

from __future__ import annotations

import ast

import pytest

from postprep.drills.catalog import all_drills, manifest_problems
from postprep.drills.devcheck import expectations, judge, static_findings
from postprep.drills.grader import grade

DRILLS = list(all_drills().values())
REQUIRED = {"attention", "top_k", "beam_search", "dpo_loss", "nan_debugging"}


def test_the_five_first_drills_are_there():
    assert REQUIRED <= set(all_drills())


@pytest.mark.parametrize("drill", DRILLS, ids=lambda d: d.id)
def test_manifest_and_files(drill):
    assert manifest_problems(drill) == []
    assert all(f.ok for f in static_findings(drill)), static_findings(drill)
    prompt = drill.prompt
    for name in drill.entry:
        assert name in prompt, f"the prompt never names {name}"
    for framework in drill.frameworks:
        tree = ast.parse(drill.starter(framework).read_text())
        defined = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
        assert set(drill.entry) <= defined
    suite = ast.parse(drill.suite.read_text())
    tests = [n for n in suite.body if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")]
    assert len(tests) >= 8
    assert all(ast.get_docstring(t) for t in tests), "every hidden test needs a one-line description"


@pytest.mark.slow
@pytest.mark.parametrize("drill", DRILLS, ids=lambda d: d.id)
def test_dev_check_and_warm_verdicts(drill, warm):
    """`postprep dev check` for this drill: the reference passes, starters fail, every mutant fails
    a hidden test; and the warm worker gives the cold path's verdict on each, test by test."""
    problems = []
    for subject, path, framework, should_pass in expectations(drill):
        hot = grade(drill, path, framework, run=warm.run)
        finding = judge(drill, subject, should_pass, hot)
        if not finding.ok:
            problems.append(f"{subject}: {finding.detail}")
        cold = grade(drill, path, framework)
        if (hot.status, [t.status for t in hot.tests]) != (cold.status, [t.status for t in cold.tests]):
            problems.append(f"{subject}: warm {hot.status} {hot.message} differs from cold {cold.status} {cold.message}")
    assert not problems, "\n".join(problems)
