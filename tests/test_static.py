"""The static checks on their own (no grading): imports of postprep, and what they leave alone."""

from __future__ import annotations

import ast

import pytest

from postprep.drills.catalog import get_drill
from postprep.drills.runner import ImportBlock
from postprep.drills.static import check_source, own_package_import

TOP_K = get_drill("top_k")
ENTRIES = "\ndef top_k_probs(logits, k, temperature=1.0):\n    return logits\n" \
          "\ndef top_k_sample(logits, k, temperature=1.0, generator=None):\n    return 0\n"


@pytest.mark.parametrize("source, found", [
    ("from postprep.solutions import top_k as ref", (1, "postprep.solutions")),
    ("import postprep.solutions.top_k", (1, "postprep.solutions.top_k")),
    ("from postprep import solutions", (1, "postprep.solutions")),
    ("from postprep import *", (1, "postprep")),
    ("import numpy as np, postprep", (1, "postprep")),
    ("def f():\n    from postprep.drills.bank.top_k import test_hidden", (2, "postprep.drills.bank.top_k")),
    ("m = __import__('postprep.solutions.top_k')", (1, "postprep.solutions.top_k")),
    ("import importlib\nm = importlib.import_module('postprep.' + 'solutions.top_k')", (2, "postprep")),
    ("exec('from postprep.progress.store import Store')", (1, "postprep.progress.store")),
])
def test_imports_of_postprep_are_found(source, found):
    assert own_package_import(ast.parse(source)) == found


@pytest.mark.parametrize("source", [
    "import numpy as np\nimport torch.nn.functional as F",
    "import postprep_helpers",  # another package whose name starts the same
    "from .postprep import x",  # relative: not the installed package
    "NAME = 'postprep.solutions'\nprint('see postprep.solutions')",  # a string not given to an import
    "x = getattr(obj, 'postprepared')",
])
def test_other_code_is_left_alone(source):
    assert own_package_import(ast.parse(source)) is None


def test_the_verdict_names_the_module_and_the_line():
    problem, framework = check_source("import numpy as np\nfrom postprep.solutions import top_k as ref\n" + ENTRIES,
                                      "f.py", TOP_K)
    assert framework == "numpy"
    assert problem == "line 2 imports postprep.solutions: drills are graded on your own code; solutions are not importable here"
    problem, _ = check_source("import postprep.drills.harness as h\n" + ENTRIES, "f.py", TOP_K)
    assert problem == ("line 1 imports postprep.drills.harness: drills are graded on your own code; "
                       "postprep's own modules are not importable here")
    assert check_source("import numpy as np\n" + ENTRIES, "f.py", TOP_K) == (None, "numpy")


@pytest.mark.parametrize("name, blocked", [
    ("postprep.solutions", True), ("postprep.solutions.top_k", True), ("postprep.drills.bank", True),
    ("postprep.drills.bank.gae.test_hidden", True), ("postprep.progress.store", True), ("postprep.tui", True),
    ("postprep", False), ("postprep.drills", False), ("postprep.drills.harness", False),
    ("postprep.drills.bankers", False), ("numpy", False), ("solutions", False),
])
def test_run_time_block_refuses_solutions_bank_and_app_not_the_harness(name, blocked):
    assert ImportBlock.blocks(name) is blocked
