"""The folder tree is the architecture: dependencies point one way, modules and functions stay short.

Every module of ``faqsearch/`` is parsed (never imported) and its imports, at module level or
inside functions, are checked against the layer order below: a package imports only the
packages listed before it or beside it, nothing imports the measurement tools (``bench/``), no
two modules import each other however indirectly, and no module or function grows past what a
reader takes in at once.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "faqsearch"
# Bottom to top; a module may import its own layer and the layers before it.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("faqsearch", "faqsearch.settings", "faqsearch.errors"),
    ("faqsearch.text",),
    ("faqsearch.records",),
    ("faqsearch.channels",),
    ("faqsearch.content",),
    ("faqsearch.embedding",),
    ("faqsearch.index",),
    ("faqsearch.search",),
    ("faqsearch.build",),
    ("faqsearch.feedback",),
    ("faqsearch.analytics",),
    ("faqsearch.evaluation",),
    ("faqsearch.auth", "faqsearch.ratelimit", "faqsearch.service", "faqsearch.ui", "faqsearch.cli",
     "faqsearch.__main__"),
)
MAX_MODULE_LINES = 350
MAX_FUNCTION_LINES = 60


@dataclass(frozen=True)
class Import:
    """One import of a faqsearch module: who imports what, where, and whether inside a function."""

    source: str
    target: str
    line: int
    in_function: bool


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


@cache
def tree(name: str) -> ast.Module:
    return ast.parse(modules()[name].read_text(encoding="utf-8"))


def _functions(node: ast.AST) -> list[ast.AST]:
    return [n for n in ast.walk(node) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


def _absolute(name: str, node: ast.ImportFrom) -> str:
    """The module an ``ImportFrom`` reads from, made absolute."""
    if not node.level:
        return node.module or ""
    package = name if modules()[name].name == "__init__.py" else name.rsplit(".", 1)[0]
    base = package.split(".")[: len(package.split(".")) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def _known(target: str) -> str:
    """``target`` or, for ``from package import name``, the module ``package.name`` when it is one."""
    return target if target in modules() else target.rsplit(".", 1)[0]


@cache
def imports(name: str) -> tuple[Import, ...]:
    """Every import ``name`` makes of a faqsearch module, and of ``bench``."""
    inner = {id(n) for f in _functions(tree(name)) for n in ast.walk(f)}
    out = []
    for node in ast.walk(tree(name)):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(name, node)
            targets = [_known(f"{source}.{alias.name}") for alias in node.names]
        for target in targets:
            if target.split(".")[0] in ("faqsearch", "bench"):
                out.append(Import(name, target, node.lineno, id(node) in inner))
    return tuple(out)


def layer(name: str) -> int:
    """The layer of a module: that of the longest package or module prefix listed."""
    best, found = -1, -1
    for number, members in enumerate(LAYERS):
        for member in members:
            if (name == member or name.startswith(member + ".")) and len(member) > best:
                best, found = len(member), number
    assert found >= 0, f"{name} belongs to no layer: add it to LAYERS"
    return found


def test_every_module_has_a_layer():
    for name in modules():
        layer(name)


def test_dependencies_point_down_the_layers():
    upward = [f"{i.source}:{i.line} imports {i.target}" for name in modules() for i in imports(name)
              if i.target.startswith("faqsearch") and layer(i.target) > layer(i.source)]
    assert not upward


def test_the_product_does_not_import_its_benchmarks():
    assert not [f"{i.source}:{i.line}" for name in modules() for i in imports(name) if i.target.startswith("bench")]


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of ``graph`` as a path, or [] (depth-first search, three colours)."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return []


def test_no_module_imports_itself_back_even_from_inside_a_function():
    graph = {name: {i.target for i in imports(name) if i.target in modules() and i.target != name}
             for name in modules()}
    assert _cycle(graph) == []


def _package(name: str) -> str:
    return ".".join(name.split(".")[:2])


def test_no_package_imports_itself_back():
    graph: dict[str, set[str]] = {}
    for name in modules():
        for i in imports(name):
            if i.target in modules() and _package(i.target) != _package(name):
                graph.setdefault(_package(name), set()).add(_package(i.target))
    assert _cycle(graph) == []


def _explained(lines: list[str], number: int) -> bool:
    """A comment on line ``number``, or just above the run of imports it belongs to."""
    at = number - 1
    if "#" in lines[at]:
        return True
    while at > 0:
        at -= 1
        line = lines[at].strip()
        if line.startswith("#") or "#" in lines[at] and line.startswith(("import ", "from ")):
            return True
        if line and not line.startswith(("import ", "from ")):
            return False
    return False


def test_imports_inside_functions_say_why():
    """A product module imported inside a function is there for start-up time (a heavy dependency
    loaded only when used), and a comment on its line or above its run of imports says so."""
    silent = []
    for name, path in modules().items():
        lines = path.read_text(encoding="utf-8").splitlines()
        silent += [f"{name}:{i.line} imports {i.target}" for i in imports(name)
                   if i.in_function and i.target.startswith("faqsearch") and not _explained(lines, i.line)]
    assert not silent


def test_modules_stay_short():
    long = {name: n for name, path in modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert not long


def test_functions_stay_short():
    long = [f"{name}:{f.lineno} {f.name} ({f.end_lineno - f.lineno + 1} lines)"
            for name in modules() for f in _functions(tree(name))
            if f.end_lineno - f.lineno + 1 > MAX_FUNCTION_LINES]
    assert not long


def test_the_checks_see_a_cycle_and_an_upward_import():
    """The rules above would catch what they are for (the graph of a made-up package)."""
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": {"c"}}) == []
    assert layer("faqsearch.index.storage") > layer("faqsearch.content.files") > layer("faqsearch.text.normalize")
    assert _explained(["def f():", "    # heavy: on use", "    import x", "", "    from y import z"], 5)
    assert not _explained(["def f():", "    a = 1", "    from y import z"], 3)
