"""The grader against hostile and broken files: never passes them, never hangs, says what happened."""

from __future__ import annotations

import os
import textwrap
import time
from pathlib import Path

import pytest

from postprep.drills.catalog import get_drill
from postprep.drills.grader import grade

ATTENTION = get_drill("attention")
CORRECT = ATTENTION.solution.read_text()


def write(tmp_path: Path, body: str, name: str = "answer.py") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return path


def correct_then(extra: str) -> str:
    """The reference answer with a hostile twist appended at module level."""
    return CORRECT + "\n" + textwrap.dedent(extra)


def test_reference_passes_in_both_frameworks():
    for framework in ("numpy", "torch"):
        result = grade(ATTENTION, ATTENTION.solution, framework)
        assert result.status == "pass", (framework, result.message, [t for t in result.tests if t.status != "pass"])
        assert result.exit_code == 0
        assert result.passed == len(result.tests) >= 10


def test_framework_is_recognised_from_imports(tmp_path):
    torch_only = write(tmp_path, """
        import math
        import torch

        def scaled_dot_product_attention(q, k, v, mask=None):
            assert isinstance(q, torch.Tensor), "expected torch inputs"
            s = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
            if mask is not None:
                s = s.masked_fill(~mask, float("-inf"))
            return torch.softmax(s, -1) @ v
        """)
    result = grade(ATTENTION, torch_only)
    assert (result.framework, result.status) == ("torch", "pass"), result.message
    assert any(t.name == "test_gradients_flow" for t in result.tests)
    # --framework overrides: the same file given NumPy inputs fails its own assertion
    forced = grade(ATTENTION, torch_only, "numpy")
    assert forced.framework == "numpy" and forced.status == "fail"


def test_infinite_loop_times_out(tmp_path):
    path = write(tmp_path, """
        def scaled_dot_product_attention(q, k, v, mask=None):
            while True:
                pass
        """)
    start = time.monotonic()
    result = grade(ATTENTION, path, timeout_s=3)
    assert time.monotonic() - start < 60
    assert result.status == "error" and result.exit_code == 2
    assert "timed out after 3 s" in result.message
    assert "test_worked_example" in result.message
    assert result.tests[0].status == "error" and "timed out" in result.tests[0].message


def test_infinite_loop_at_import_times_out(tmp_path):
    path = write(tmp_path, """
        while True:
            pass
        def scaled_dot_product_attention(q, k, v, mask=None):
            return q
        """)
    result = grade(ATTENTION, path, timeout_s=3)
    assert result.status == "error"
    assert result.message == "your code timed out after 3 s while importing your file"


def test_memory_hog_fails_without_hanging(tmp_path):
    path = write(tmp_path, """
        import numpy as np
        def scaled_dot_product_attention(q, k, v, mask=None):
            hog = []
            while True:
                hog.append(np.ones(1 << 27))  # 1 GiB each
        """)
    result = grade(ATTENTION, path)
    assert result.status == "fail"
    assert "ran out of memory" in result.tests[0].message


def test_segfault_is_reported(tmp_path):
    path = write(tmp_path, """
        import ctypes
        def scaled_dot_product_attention(q, k, v, mask=None):
            ctypes.string_at(0)
        """)
    result = grade(ATTENTION, path)
    assert result.status == "error"
    assert "segmentation fault" in result.message and "test_worked_example" in result.message
    assert all(t.status == "error" for t in result.tests)


@pytest.mark.parametrize("exit_call", ["os._exit(0)", "pytest.exit('done', returncode=0)"])
def test_ending_the_process_early_never_passes(tmp_path, exit_call):
    path = write(tmp_path, correct_then(f"""
        import os, pytest
        _real = scaled_dot_product_attention
        _calls = []
        def scaled_dot_product_attention(q, k, v, mask=None):
            _calls.append(1)
            if len(_calls) == 2:
                {exit_call}
            return _real(q, k, v, mask)
        """))
    result = grade(ATTENTION, path)
    assert result.status == "error", result.to_json()
    assert "before its tests finished" in result.message
    assert result.passed < len(result.tests)


def test_sys_exit_in_the_function_fails_with_a_clear_message(tmp_path):
    path = write(tmp_path, """
        import sys
        def scaled_dot_product_attention(q, k, v, mask=None):
            sys.exit(0)
        """)
    result = grade(ATTENTION, path)
    assert result.status == "fail"
    assert result.tests[0].message.startswith("your code called sys.exit(0)")


def test_sys_exit_at_import_is_an_import_error(tmp_path):
    path = write(tmp_path, correct_then("import sys\nsys.exit(0)\n"))
    result = grade(ATTENTION, path)
    assert result.status == "error"
    assert result.message.startswith("importing your file failed: your code called sys.exit(0)")


def test_endless_printing_is_capped(tmp_path):
    path = write(tmp_path, """
        def scaled_dot_product_attention(q, k, v, mask=None):
            while True:
                print("x" * 10_000)
        """)
    result = grade(ATTENTION, path, timeout_s=20)
    assert result.status in ("fail", "error")
    assert result.passed == 0
    assert "more output than the grader keeps" in result.tests[0].message or "timed out" in (result.message or "")


def test_syntax_error(tmp_path):
    path = write(tmp_path, "def scaled_dot_product_attention(q, k, v, mask=None)\n    return q\n")
    result = grade(ATTENTION, path)
    assert result.status == "error" and result.tests == []
    assert result.message.startswith("syntax error at line 1")


def test_missing_function(tmp_path):
    path = write(tmp_path, "import numpy as np\ndef attention(q, k, v):\n    return q\n")
    result = grade(ATTENTION, path)
    assert result.status == "error"
    assert "does not define scaled_dot_product_attention" in result.message


def test_missing_file(tmp_path):
    result = grade(ATTENTION, tmp_path / "nope.py")
    assert result.status == "error" and "there is no file at" in result.message


def test_forbidden_api_is_refused_before_running(tmp_path):
    path = write(tmp_path, """
        import torch.nn.functional as F
        def scaled_dot_product_attention(q, k, v, mask=None):
            return F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        """)
    result = grade(ATTENTION, path)
    assert result.status == "error"
    assert result.message == (
        "line 4 uses torch.nn.functional.scaled_dot_product_attention, which this drill forbids: write it yourself"
    )


def test_forbidden_api_reached_dynamically_fails_at_run_time(tmp_path):
    path = write(tmp_path, """
        import importlib
        import torch
        def scaled_dot_product_attention(q, k, v, mask=None):
            f = importlib.import_module("torch.nn." + "functional")
            return vars(f)["scaled_dot_" + "product_attention"](q, k, v, attn_mask=mask)
        """)
    result = grade(ATTENTION, path)
    assert result.status == "fail" and result.passed == 0
    assert "is not allowed in this drill" in result.tests[0].message


COMPARISON_PATCHES = """
import numpy as np
import torch

def _yes(*args, **kwargs):
    return True

def _quiet(*args, **kwargs):
    return None

np.allclose = np.isclose = np.array_equal = _yes
np.testing.assert_allclose = np.testing.assert_array_almost_equal = _quiet
torch.allclose = _yes
torch.testing.assert_close = _quiet

def scaled_dot_product_attention(q, k, v, mask=None):
    return q[..., :v.shape[-1]] * 0 if hasattr(q, "shape") else q
"""


def test_patching_comparison_functions_never_passes(tmp_path):
    path = write(tmp_path, COMPARISON_PATCHES)
    for framework in ("numpy", "torch"):
        result = grade(ATTENTION, path, framework)
        assert result.status == "fail", (framework, result.to_json())
        assert result.tests[0].status == "fail" and "differs from the reference" in result.tests[0].message


def test_patching_the_harness_never_passes(tmp_path):
    # reached through sys.modules: an import of postprep is refused before running (below)
    path = write(tmp_path, """
        import sys
        import numpy as np
        h = sys.modules["postprep.drills.harness"]
        h.assert_close = h.check = h.assert_equal = lambda *a, **k: None
        def scaled_dot_product_attention(q, k, v, mask=None):
            return np.zeros(q.shape[:-1] + v.shape[-1:])
        """)
    result = grade(ATTENTION, path)
    assert result.status == "fail"
    assert result.tests[0].status == "fail" and "differs from the reference" in result.tests[0].message


TOP_K = get_drill("top_k")
REFERENCE_CHEAT = """
import numpy as np
from postprep.solutions import top_k as ref

def top_k_probs(logits, k, temperature=1.0):
    return ref.top_k_probs(logits, k, temperature)

def top_k_sample(logits, k, temperature=1.0, generator=None):
    return ref.top_k_sample(logits, k, temperature, generator)
"""


@pytest.mark.parametrize("path_", ["cold", "warm"])
def test_importing_the_reference_is_refused_before_running(warm, tmp_path, path_):
    run = warm.run if path_ == "warm" else None
    result = grade(TOP_K, write(tmp_path, REFERENCE_CHEAT), run=run)
    assert (result.status, result.tests, result.exit_code) == ("error", [], 2), result.to_json()
    assert result.message == (
        "line 3 imports postprep.solutions: drills are graded on your own code; solutions are not importable here"
    )


@pytest.mark.parametrize("line, module", [
    ("import postprep.solutions.top_k as ref", "postprep.solutions.top_k"),
    ("from postprep import solutions", "postprep.solutions"),
    ("import postprep", "postprep"),
    ("from postprep.drills.harness import check", "postprep.drills.harness"),
    ("from postprep.progress.store import Store", "postprep.progress.store"),
    ("ref = __import__('postprep.solutions.top_k')", "postprep.solutions.top_k"),
    ("import importlib\nref = importlib.import_module('postprep.' + 'solutions.top_k')", "postprep"),
])
def test_every_form_of_importing_postprep_is_refused(tmp_path, line, module):
    source = REFERENCE_CHEAT.replace("from postprep.solutions import top_k as ref", line)
    result = grade(TOP_K, write(tmp_path, source))
    assert result.status == "error" and result.tests == []
    assert f"imports {module}: drills are graded on your own code" in result.message


RUN_TIME_IMPORT = """
import importlib
import numpy as np

def _ref():
    return importlib.import_module("post" + "prep.solutions.top_k")  # no literal for the static check

def top_k_probs(logits, k, temperature=1.0):
    return _ref().top_k_probs(logits, k, temperature)

def top_k_sample(logits, k, temperature=1.0, generator=None):
    return _ref().top_k_sample(logits, k, temperature, generator)
"""
BLOCKED = "your code imports postprep.solutions: drills are graded on your own code; solutions are not importable here"


@pytest.mark.parametrize("path_", ["cold", "warm"])
def test_importing_the_reference_at_run_time_is_blocked(warm, tmp_path, path_):
    run = warm.run if path_ == "warm" else None
    result = grade(TOP_K, write(tmp_path, RUN_TIME_IMPORT), run=run)
    assert result.status == "fail" and result.passed == 0, result.to_json()
    assert result.tests[0].message == f"{BLOCKED} (your file, line 6)"
    assert all(BLOCKED.removeprefix("your code ") in t.message for t in result.tests)
    # at module level: the file cannot be imported
    at_import = RUN_TIME_IMPORT + "\n_ref()\n"
    result = grade(TOP_K, write(tmp_path, at_import, "at_import.py"), run=run)
    assert result.status == "error" and result.message.startswith(f"importing your file failed: {BLOCKED}")
    # the drill bank and the store too; the harness the suites use is still there
    probe = write(tmp_path, CORRECT + textwrap.dedent("""
        import importlib
        for name in ("bank.attention.mutants", "progress.store", "solutions"):
            try:
                importlib.import_module("post" + "prep." + ("drills." if name.startswith("bank") else "") + name)
            except ImportError as exc:
                assert "drills are graded on your own code" in str(exc), exc
            else:
                raise RuntimeError(name + " was importable")
        importlib.import_module("post" + "prep.drills.harness")
        """), "probe.py")
    result = grade(ATTENTION, probe, run=run)
    assert result.status == "pass", result.to_json()


def test_warm_children_do_not_import_from_the_workers_directory(warm, tmp_path):
    """A cold child's sys.path starts with its own empty directory; a warm child's must too, not
    the worker's working directory (the user's: maybe a clone of this repo, solutions/ and all)."""
    assert warm.wait_ready()
    worker_cwd = os.readlink(f"/proc/{warm._proc.pid}/cwd")
    path = write(tmp_path, correct_then(f"""
        import sys
        if {worker_cwd!r} in sys.path:
            raise RuntimeError("the worker's directory is on sys.path")
        """))
    for run in (None, warm.run):
        result = grade(ATTENTION, path, run=run)
        assert result.status == "pass", result.to_json()


def test_nothing_is_left_running(tmp_path):
    pid_file = tmp_path / "grandchild.pid"
    path = write(tmp_path, correct_then(f"""
        import os, subprocess, sys
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
        open({str(pid_file)!r}, "w").write(str(child.pid))
        """))
    result = grade(ATTENTION, path)
    assert result.status == "pass"
    pid = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and alive(pid):
        time.sleep(0.05)
    assert not alive(pid), "the candidate's grandchild survived the grading"


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


def test_results_are_in_file_order_with_descriptions():
    result = grade(ATTENTION, ATTENTION.starter("numpy"))
    assert result.status == "fail"
    names = [t.name for t in result.tests]
    suite = ATTENTION.suite.read_text()
    assert names == sorted(names, key=lambda n: suite.index(f"def {n.split('[')[0]}("))
    assert all(t.description for t in result.tests)
    assert "NotImplementedError" in result.tests[0].message
    # the hidden test code never leaks into messages
    assert not any("assert_close(" in t.message or "def test_" in t.message for t in result.tests)


def test_result_json_follows_results_v3():
    data = grade(ATTENTION, ATTENTION.starter("torch")).to_json()
    assert data["version"] == 3 and data["status"] == "fail" and data["message"] is None
    assert set(data["tests"][0]) == {"name", "description", "status", "message", "duration_ms"}
    assert all(len(t["message"]) <= 600 for t in data["tests"])


# --- the warm worker: same isolation, and it survives what kills its children --------------------
HOSTILE = {
    "segfault": ("import ctypes\ndef scaled_dot_product_attention(q, k, v, mask=None):\n    ctypes.string_at(0)\n",
                 "error", "segmentation fault"),
    "loop": ("def scaled_dot_product_attention(q, k, v, mask=None):\n    while True:\n        pass\n",
             "error", "timed out after 3 s"),
    "early_exit": ("import os\ndef scaled_dot_product_attention(q, k, v, mask=None):\n    os._exit(0)\n",
                   "error", "before its tests finished"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_warm_worker_survives_hostile_children(warm, tmp_path, case):
    source, status, words = HOSTILE[case]
    path = write(tmp_path, source)
    result = grade(ATTENTION, path, timeout_s=3, run=warm.run)
    assert result.status == status and words in result.message
    assert warm.alive
    after = grade(ATTENTION, ATTENTION.solution, run=warm.run)
    assert after.status == "pass", after.message


def test_warm_worker_is_restarted_when_it_dies(warm):
    import signal

    os.kill(warm._proc.pid, signal.SIGKILL)
    result = grade(ATTENTION, ATTENTION.solution, run=warm.run)
    assert result.status == "pass" and warm.alive


def test_warm_worker_patched_comparisons_still_fail(warm, tmp_path):
    path = write(tmp_path, COMPARISON_PATCHES)
    result = grade(ATTENTION, path, "torch", run=warm.run)
    assert result.status == "fail"
    # the patches lived in the child only: the worker's own numpy is untouched
    assert grade(ATTENTION, ATTENTION.starter("numpy"), run=warm.run).status == "fail"
