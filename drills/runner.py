"""The child side of grading: limits, then the hidden suite under pytest, one record per test.

Run as `python -m postprep.drills.runner` with a JSON job on stdin (see grader.Job), or called by
the warm worker right after it forks. Records are JSON lines on the file descriptor named by the
job; the parent decides the verdict from them and never trusts this process's exit code.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import resource
import signal
import sys
import time
import traceback

MESSAGE_CAP = 500


def set_process_limits(job: dict) -> None:
    """Limits that are safe before imports: file size (caps captured output), no core dumps."""
    cap = int(job["output_cap_bytes"])
    resource.setrlimit(resource.RLIMIT_FSIZE, (cap, cap))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # Writing past RLIMIT_FSIZE then raises OSError(EFBIG) in the writer instead of killing us.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def import_frameworks(use_torch: bool) -> None:
    import hypothesis  # noqa: F401  (imported for the suites, once)
    import numpy  # noqa: F401
    import pytest  # noqa: F401

    if use_torch:
        import torch

        torch.set_num_threads(1)
        from postprep.drills import harness

        harness.bind_torch()


def set_limits_after_imports(job: dict) -> None:
    """Memory and CPU limits on top of what the imports already took: torch maps a lot of address
    space, and its import costs seconds of CPU on a busy machine, which must not count against
    the user's code."""
    with open("/proc/self/statm") as f:
        mapped = int(f.read().split()[0]) * resource.getpagesize()
    limit = mapped + int(job["memory_bytes"])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = int(usage.ru_utime + usage.ru_stime) + int(job["cpu_s"])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))


def short(text: str) -> str:
    text = " ".join(text.split()) if "\n" not in text.strip() else text.strip()
    return text if len(text) <= MESSAGE_CAP else text[: MESSAGE_CAP - 1] + "…"


def describe(exc: BaseException, tb, candidate_file: str) -> str:
    """A short message for the user: ours for checks, the exception and the user's line otherwise."""
    from postprep.drills.harness import Mismatch

    if isinstance(exc, Mismatch):
        return short(str(exc))
    if isinstance(exc, SystemExit):
        return f"your code called sys.exit({exc.code!r}); a function must return its result instead"
    if isinstance(exc, AssertionError):
        return short(str(exc) or "an assertion failed")
    if isinstance(exc, BlockedImport):
        text = str(exc)
    elif isinstance(exc, MemoryError):
        text = "MemoryError: your code ran out of memory (the grader's limit)"
    elif isinstance(exc, OSError) and exc.errno == 27:  # EFBIG: RLIMIT_FSIZE reached
        text = "your code printed more output than the grader keeps; remove the prints in loops"
    else:
        text = f"{type(exc).__name__}: {exc}"
    lines = [f.lineno for f in traceback.extract_tb(tb) if f.filename == candidate_file]
    if lines:
        text += f" (your file, line {lines[-1]})"
    return short(text)


class Forbidden(Exception):
    pass


def install_forbidden_guards(names: list[str]) -> None:
    """Replace each forbidden API with a stub that fails the test calling it (static checks come first)."""
    for dotted in names:
        owner_name, _, attr = dotted.rpartition(".")
        if owner_name.split(".")[0] not in sys.modules:
            continue  # not imported (the grader imports torch when the user's file does)
        owner = resolve(owner_name)
        if owner is not None and hasattr(owner, attr):

            def stub(*args, _name=dotted, **kwargs):
                raise Forbidden(f"{_name} is not allowed in this drill; write it yourself")

            setattr(owner, attr, stub)


class BlockedImport(ImportError):
    pass


class ImportBlock:
    """A sys.meta_path finder, first in line, that refuses postprep's own modules to the candidate:
    the reference solutions, the drill bank (suites, mutants), the store and the app. Only the
    drills machinery stays importable: the suites use postprep.drills.harness, already imported by
    then. Installed after collection, right before the candidate is imported (the static checks
    refuse a literal import; this catches names built at run time). Not a sandbox: code that
    removes the finder or reads a file by its path gets past it."""

    @staticmethod
    def blocks(name: str) -> bool:
        parts = name.split(".")
        if parts[0] != "postprep" or len(parts) == 1:
            return False
        return parts[1] != "drills" or (len(parts) > 2 and parts[2] == "bank")

    def __init__(self) -> None:
        from postprep.drills.static import own_package_message  # now: no import inside find_spec

        self.message = own_package_message

    def find_spec(self, name, path=None, target=None):
        if self.blocks(name):
            raise BlockedImport(self.message(None, name), name=name)
        return None  # not ours to refuse: the next finder looks for it

    def invalidate_caches(self) -> None:
        pass


def install_import_block() -> None:
    """Put ImportBlock first on sys.meta_path and forget any blocked module already imported
    (nothing imports one today), so neither `import` nor an attribute of its package reaches it."""
    for name in [n for n in sys.modules if ImportBlock.blocks(n)]:
        module = sys.modules.pop(name)
        parent, _, leaf = name.rpartition(".")
        if getattr(sys.modules.get(parent), leaf, None) is module:
            delattr(sys.modules[parent], leaf)
    sys.meta_path.insert(0, ImportBlock())


def resolve(dotted: str):
    """The module or class a dotted name points at ("torch.nn.functional", "torch.Tensor"), or None."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            found = getattr(found, name, None)
            if found is None:
                return None
        return found
    return None


def load_candidate(path: str):
    spec = importlib.util.spec_from_file_location("candidate", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["candidate"] = module
    spec.loader.exec_module(module)
    return module


class RecordPlugin:
    """Streams collection, test starts and results to the parent; imports the candidate after
    collection, so the suite has bound the harness's comparisons before any user code runs."""

    def __init__(self, job: dict, out):
        self.job = job
        self.out = out
        self.candidate = None
        self.started: dict[str, float] = {}
        self.messages: dict[str, str] = {}
        self.reported: set[str] = set()

    def emit(self, **record) -> None:
        self.out.write(json.dumps(record) + "\n")
        self.out.flush()

    def pytest_configure(self, config) -> None:
        config.addinivalue_line("markers", "framework(name): only when the user's framework is name")

    def pytest_collection_modifyitems(self, session, config, items) -> None:
        def applies(item) -> bool:
            marker = item.get_closest_marker("framework")
            return marker is None or self.job["framework"] in marker.args

        items[:] = [item for item in items if applies(item)]

    def pytest_collection_finish(self, session) -> None:
        import pytest

        tests = []
        for item in session.items:
            doc = (getattr(item, "function", None).__doc__ or "").strip().splitlines()
            tests.append({"id": item.nodeid, "name": item.name, "description": doc[0] if doc else ""})
        self.emit(event="collected", tests=tests)
        if not tests:
            return
        install_forbidden_guards(self.job["forbidden"])
        install_import_block()
        try:
            self.candidate = load_candidate(self.job["candidate"])
        except BaseException as exc:  # noqa: BLE001 - whatever the user's import does is theirs to see
            self.emit(event="import_error", message=describe(exc, exc.__traceback__, self.job["candidate"]))
            pytest.exit("your file could not be imported", returncode=3)

    def pytest_runtest_logstart(self, nodeid, location) -> None:
        self.started[nodeid] = time.perf_counter()
        self.emit(event="start", id=nodeid)

    def pytest_runtest_makereport(self, item, call) -> None:
        # Our own short message: pytest's long report would show hidden test code.
        if call.excinfo is not None and item.nodeid not in self.messages:
            self.messages[item.nodeid] = describe(call.excinfo.value, call.excinfo.tb, self.job["candidate"])

    def pytest_runtest_logreport(self, report) -> None:
        if report.when == "call" and report.passed:
            self.result(report.nodeid, "pass", "")
        elif report.failed:
            status = "fail" if report.when == "call" else "error"
            self.result(report.nodeid, status, self.messages.get(report.nodeid, "failed"))
        elif report.skipped and report.when == "setup":
            self.result(report.nodeid, "error", "skipped by the suite")

    def result(self, nodeid: str, status: str, message: str) -> None:
        if nodeid in self.reported:
            return
        self.reported.add(nodeid)
        elapsed = time.perf_counter() - self.started.get(nodeid, time.perf_counter())
        self.emit(event="result", id=nodeid, status=status, message=message, duration_ms=round(elapsed * 1000))

    def pytest_sessionfinish(self, session, exitstatus) -> None:
        self.emit(event="finished", exitstatus=int(exitstatus))
        # The parent has everything: closing the stream lets it decide now, not after pytest's
        # teardown (its gc passes over torch's objects take most of a second).
        self.out.close()


def fixtures_plugin(plugin: RecordPlugin):
    """The fixtures hidden suites ask for: `impl` (the user's module) and `fw` (their framework)."""
    import pytest

    from postprep.drills.harness import Framework

    class Fixtures:
        @pytest.fixture
        def impl(self):
            return plugin.candidate

        @pytest.fixture
        def fw(self):
            return Framework(plugin.job["framework"])

    return Fixtures()


def run(job: dict, record_fd: int) -> int:
    """Run one grading job in this (already isolated) process; returns pytest's exit code."""
    set_process_limits(job)
    import_frameworks(job["framework"] == "torch" or job["needs_torch"])
    import pytest

    set_limits_after_imports(job)
    out = os.fdopen(record_fd, "w", buffering=1)
    plugin = RecordPlugin(job, out)
    args = [
        job["suite"],
        "-q", "-p", "no:cacheprovider", "-p", "no:stepwise", "-p", "no:doctest",
        "--assert=plain", "--capture=fd", "--no-header", "--tb=no",
        "-c", os.devnull, "--rootdir", os.getcwd(), "--confcutdir", os.path.dirname(job["suite"]),
        "-W", "ignore::DeprecationWarning",
    ]
    return pytest.main(args, plugins=[plugin, fixtures_plugin(plugin)])


def main() -> None:
    job = json.loads(sys.stdin.read())
    code = run(job, job["record_fd"])
    os._exit(code if 0 <= code < 256 else 1)


if __name__ == "__main__":
    main()
