"""Checks made before any user code runs: the file parses, defines what the drill asks for, and
uses none of the drill's forbidden APIs. Also recognises the file's framework from its imports."""

from __future__ import annotations

import ast
import re

from postprep.drills.catalog import Drill

DYNAMIC_LOOKUPS = {"getattr", "__import__", "import_module", "eval", "exec", "attrgetter"}
# The app's own package: its reference solutions, drill bank, harness and store are not the
# user's code. The runner also refuses the solutions and the bank at run time (runner.ImportBlock).
OWN_PACKAGE = "postprep"
_OWN_PACKAGE_IN_TEXT = re.compile(r"(?<![\w.])postprep(?:\.[\w.]*\w)?(?![\w])")


def imported_roots(tree: ast.Module, top_level_only: bool = False) -> set[str]:
    roots = set()
    for node in (tree.body if top_level_only else ast.walk(tree)):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def detect_framework(tree: ast.AST, drill: Drill) -> str:
    """Only torch imported → torch inputs; otherwise NumPy (when the drill offers both)."""
    if len(drill.frameworks) == 1:
        return drill.frameworks[0]
    roots = imported_roots(tree)
    return "torch" if "torch" in roots and "numpy" not in roots else "numpy"


def defined_names(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def forbidden_use(tree: ast.AST, forbidden: tuple[str, ...]) -> tuple[int, str] | None:
    """(line, forbidden name) of the first use: as an attribute, an imported name, or a string
    given to getattr/__import__/eval and the like."""
    leaves = {name.rpartition(".")[2]: name for name in forbidden}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in leaves:
            return node.lineno, leaves[node.attr]
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name in leaves:
                    return node.lineno, leaves[alias.name]
        if isinstance(node, ast.Call) and _call_name(node) in DYNAMIC_LOOKUPS:
            for arg in ast.walk(node):
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    for leaf, name in leaves.items():
                        if leaf in arg.value:
                            return node.lineno, name
    return None


def own_package_import(tree: ast.AST) -> tuple[int, str] | None:
    """(line, module) of the first import of postprep or a postprep.* module: `import`, `from ...
    import`, or a string naming one given to __import__/import_module/eval and the like."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _is_own(alias.name):
                    return node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and _is_own(node.module):
            # `from postprep import solutions` names the module it reaches: postprep.solutions
            name = node.module if node.module != OWN_PACKAGE else f"{OWN_PACKAGE}.{node.names[0].name}"
            return node.lineno, name.removesuffix(".*")
        elif isinstance(node, ast.Call) and _call_name(node) in DYNAMIC_LOOKUPS:
            for arg in ast.walk(node):
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found = _OWN_PACKAGE_IN_TEXT.search(arg.value)
                    if found:
                        return node.lineno, found.group()
    return None


def _is_own(module: str) -> bool:
    return module == OWN_PACKAGE or module.startswith(OWN_PACKAGE + ".")


def own_package_message(line: int | None, module: str) -> str:
    """The verdict for an import of postprep (static check: with its line; run time: without)."""
    what = "solutions are" if module.startswith(f"{OWN_PACKAGE}.solutions") else "postprep's own modules are"
    where = f"line {line}" if line is not None else "your code"
    return f"{where} imports {module}: drills are graded on your own code; {what} not importable here"


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def check_source(source: str, filename: str, drill: Drill) -> tuple[str | None, str]:
    """(error message or None, framework). The message says what to fix, with the line."""
    try:
        tree = ast.parse(source, filename=filename)
    except SyntaxError as exc:
        where = f"line {exc.lineno}" + (f", column {exc.offset}" if exc.offset else "")
        return f"syntax error at {where}: {exc.msg}", drill.frameworks[0]
    except ValueError as exc:  # e.g. null bytes
        return f"the file cannot be parsed: {exc}", drill.frameworks[0]
    framework = detect_framework(tree, drill)
    imported = own_package_import(tree)
    if imported:
        return own_package_message(*imported), framework
    missing = [name for name in drill.entry if name not in defined_names(tree)]
    if missing:
        return f"your file does not define {', '.join(missing)} (the drill asks for it at top level)", framework
    used = forbidden_use(tree, drill.forbidden)
    if used:
        line, name = used
        return f"line {line} uses {name}, which this drill forbids: write it yourself", framework
    return None, framework
