"""Every drill of the bank is sound: `postprep dev check`, drill by drill, plus fast manifest checks."""

from __future__ import annotations

import ast

import pytest

from postprep.drills.catalog import all_drills, manifest_problems
from postprep.drills.devcheck import check_drills, static_findings

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
        defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
        assert set(drill.entry) <= defined
    suite = ast.parse(drill.suite.read_text())
    tests = [n for n in suite.body if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")]
    assert len(tests) >= 8
    assert all(ast.get_docstring(t) for t in tests), "every hidden test needs a one-line description"


@pytest.mark.slow
@pytest.mark.parametrize("drill", DRILLS, ids=lambda d: d.id)
def test_dev_check(drill):
    """The reference passes, starters fail, every mutant fails at least one hidden test."""
    bad = [f for f in check_drills([drill], jobs=1) if not f.ok]
    assert not bad, "\n".join(f"{f.subject}: {f.detail}" for f in bad)
