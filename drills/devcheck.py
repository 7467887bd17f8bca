"""`postprep dev check`: proof that every drill is sound.

For each drill: the manifest is valid and complete, the reference passes every hidden test in each
of the drill's frameworks, every starter fails, and every mutant fails at least one test.
"""

from __future__ import annotations

import ast
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from postprep.drills.catalog import Drill
from postprep.drills.grader import Result, grade

MIN_MUTANTS = 6


@dataclass
class Finding:
    drill: str
    subject: str  # "manifest", "solution[numpy]", "starter_torch.py", "mutants/no_scale.py"
    ok: bool
    detail: str


def static_findings(drill: Drill) -> list[Finding]:
    def finding(ok: bool, detail: str) -> Finding:
        return Finding(drill.id, "manifest", ok, detail)

    found = []
    for path in [drill.folder / "prompt.md", drill.suite, drill.solution, *(drill.starter(f) for f in drill.frameworks)]:
        if not path.is_file():
            found.append(finding(False, f"missing {path}"))
    mutants = drill.mutants()
    if len(mutants) < MIN_MUTANTS:
        found.append(finding(False, f"{len(mutants)} mutants, needs at least {MIN_MUTANTS}"))
    for mutant in mutants:
        if not ast.get_docstring(ast.parse(mutant.read_text())):
            found.append(finding(False, f"{mutant.name} has no docstring describing its mistake"))
    if not found:
        found.append(finding(True, f"complete: {len(mutants)} mutants, {len(drill.hints)} hints"))
    return found


def expectations(drill: Drill) -> list[tuple[str, Path, str | None, bool]]:
    """(subject, file, framework, should pass) for every grading the proof needs."""
    jobs = [(f"solution[{fw}]", drill.solution, fw, True) for fw in drill.frameworks]
    jobs += [(drill.starter(fw).name, drill.starter(fw), fw, False) for fw in drill.frameworks]
    jobs += [(f"mutants/{m.name}", m, None, False) for m in drill.mutants()]
    return jobs


def judge(drill: Drill, subject: str, should_pass: bool, result: Result) -> Finding:
    summary = f"{result.status} ({result.passed}/{len(result.tests)})"
    if should_pass:
        failing = [t for t in result.tests if t.status != "pass"]
        detail = result.message or (f"{failing[0].name}: {failing[0].message}" if failing else "")
        return Finding(drill.id, subject, result.status == "pass", f"{summary} {detail}".strip())
    if result.status == "fail":
        caught = next(t for t in result.tests if t.status != "pass")
        return Finding(drill.id, subject, True, f"{summary} caught by {caught.name}")
    if result.status == "error" and "forbids" in (result.message or ""):
        return Finding(drill.id, subject, True, f"{summary} caught by the forbidden-API check")
    # Any other error verdict (no test could run) does not prove the suite catches the mistake.
    return Finding(drill.id, subject, False, f"{summary}: expected a failing test, got {result.message}")


def check_drills(drills: list[Drill], jobs: int = 2, on_finding=None, warm: bool = False) -> list[Finding]:
    """Every finding for these drills. `warm` grades through warm workers (one per job): much
    faster, and the same verdicts as the cold path (tests prove it)."""
    findings: list[Finding] = []

    def report(f: Finding) -> None:
        findings.append(f)
        if on_finding:
            on_finding(f)

    work = []
    for drill in drills:
        for f in static_findings(drill):
            report(f)
        work += [(drill, *job) for job in expectations(drill)]

    graders = GraderPool(jobs) if warm else None

    def run(item):
        drill, subject, path, framework, should_pass = item
        runner = graders.current().run if graders else None
        return judge(drill, subject, should_pass, grade(drill, path, framework, run=runner))

    try:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            for f in pool.map(run, work):
                report(f)
    finally:
        if graders:
            graders.stop()
    return findings


class GraderPool:
    """One warm worker per thread."""

    def __init__(self, size: int):
        from postprep.drills.worker import WarmGrader

        self._graders = [WarmGrader() for _ in range(size)]
        for g in self._graders:
            g.start()
        self._local = threading.local()
        self._next = iter(self._graders)
        self._lock = threading.Lock()

    def current(self):
        if not hasattr(self._local, "grader"):
            with self._lock:
                self._local.grader = next(self._next)
        return self._local.grader

    def stop(self) -> None:
        for g in self._graders:
            g.stop()
