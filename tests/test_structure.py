"""Fast tier: the engine's module structure (read from the source, nothing imported).

Modules import each other without cycles, so each can be understood and tested from the
bottom up; the command line sits on top: it imports the engine, and nothing imports it.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "autograder"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in PACKAGE.rglob("*.py")}


def _imports(path: Path) -> set[str]:
    """Engine modules imported anywhere in ``path`` (lazy imports too), except for type checking."""
    tree = ast.parse(path.read_text())
    typing_only = {id(n) for node in ast.walk(tree)
                   if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
                   for n in ast.walk(node)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name in MODULES and name != "autograder"}


GRAPH = {name: _imports(path) - {name} for name, path in MODULES.items()}


def _cycle_from(start: str) -> list[str] | None:
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, path = stack.pop()
        for target in GRAPH[node]:
            if target == start:
                return [*path, start]
            if target not in seen:
                seen.add(target)
                stack.append((target, [*path, target]))
    return None


def test_engine_modules_import_each_other_without_cycles() -> None:
    cycles = [cycle for name in sorted(GRAPH) if (cycle := _cycle_from(name))]
    assert not cycles, " ; ".join(" -> ".join(c) for c in cycles)


def test_the_command_line_is_on_top() -> None:
    assert "autograder.engine" in GRAPH["autograder.cli"]
    importers = [name for name, targets in GRAPH.items()
                 if "autograder.cli" in targets and name != "autograder.__main__"]
    assert not importers


# Where the command line is what is tested: its arguments, and the course loop as each role types it.
COMMAND_LINE_TESTS = {"test_cli.py", "test_exchange_loop.py"}


def test_tests_and_benchmarks_use_the_engine_not_the_command_line() -> None:
    users = [path.name for folder in ("tests", "benchmarks") for path in (ROOT / folder).glob("*.py")
             if "autograder.cli" in _imports(path) and path.name not in COMMAND_LINE_TESTS]
    assert not users


def test_files_stay_small() -> None:
    sizes = {str(path.relative_to(ROOT)): len(path.read_text().splitlines()) for path in MODULES.values()}
    assert not {name: lines for name, lines in sizes.items() if lines > 400}
