"""Every test runs against a temporary POSTPREP_HOME and workspace, never the developer's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    home, workspace = tmp_path / "home", tmp_path / "workspace"
    monkeypatch.setenv("POSTPREP_HOME", str(home))
    monkeypatch.setenv("POSTPREP_WORKSPACE", str(workspace))
    monkeypatch.setenv("COLUMNS", "200")
    return home


@pytest.fixture
def workspace(isolated_home) -> Path:
    return Path(os.environ["POSTPREP_WORKSPACE"])


@pytest.fixture
def postprep():
    """Run the real `postprep` command in a subprocess; returns the CompletedProcess."""

    def run(*args: str, input: str | None = None, timeout: float = 180) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "postprep.tui", *args],
            capture_output=True, text=True, input=input, timeout=timeout,
        )

    return run


@pytest.fixture(scope="session")
def warm():
    """One warm grader per test process, shared by every test that grades through it."""
    from postprep.drills.worker import WarmGrader

    grader = WarmGrader()
    grader.start()
    yield grader
    grader.stop()


def suite_size(drill, framework: str) -> int:
    """How many hidden tests a file in `framework` is graded on (tests marked for the other
    framework are deselected), so tests need not hard-code a count that grows with the suite."""
    import ast

    def runs(test: ast.FunctionDef) -> bool:
        marks = [d for d in test.decorator_list if isinstance(d, ast.Call) and ast.unparse(d.func).endswith("mark.framework")]
        return all(ast.literal_eval(m.args[0]) == framework for m in marks)

    tree = ast.parse(drill.suite.read_text())
    return sum(isinstance(n, ast.FunctionDef) and n.name.startswith("test_") and runs(n) for n in tree.body)
