"""The shape of the code (issue 12): no import circles, the runtime scorer never reaches training code,
nothing imports the CLI root, and a module over ~400 lines says at its top why it is one module.

Imports are read with `ast`, including those inside functions (a lazy import is still a dependency)
and leaving out `if TYPE_CHECKING:` blocks (annotations only).
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("streams", "models")

# What the worker loads to score posts; training and experiments live in the other models/ modules.
RUNTIME_SCORER = ("models.scorer", "models.base", "models.fast", "models.features", "models.artifacts",
                  "models.normalize", "models.entities", "models.slang", "models.signals", "models.sara",
                  "models.transformer", "models.fraud_head", "models.regex_dispatch")
TRAINING = ("models.train", "models.pretrain", "models.finetune", "models.fraud_head_training", "models.evaluate",
            "models.card",
            "models.corpora", "models.quality", "models.bias", "models.functional", "models.commands")
LONG_MODULE_LINES = 400


def _modules() -> dict[str, Path]:
    out = {}
    for pkg in PACKAGES:
        for path in (REPO / pkg).rglob("*.py"):
            name = ".".join(path.relative_to(REPO).with_suffix("").parts)
            out[name.removesuffix(".__init__")] = path
    return out


def _is_type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING")


def _imports(path: Path, known: set[str]) -> set[str]:
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            names = []
        found.update(n for n in names if n in known)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def import_graph() -> dict[str, set[str]]:
    mods = _modules()
    known = set(mods)
    return {m: _imports(p, known) - {m} for m, p in mods.items()}


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        m = todo.pop()
        for n in graph.get(m, ()):
            if n not in seen:
                seen.add(n)
                todo.append(n)
    return seen


def test_the_runtime_scorer_never_imports_training_code_even_lazily():
    graph = import_graph()
    assert set(RUNTIME_SCORER) | set(TRAINING) <= set(graph), "a listed module was renamed: update this test"
    for module in RUNTIME_SCORER:
        assert not reachable(graph, module) & set(TRAINING), module


def test_nothing_imports_the_cli_root():
    graph = import_graph()
    assert [m for m, deps in graph.items() if "streams.cli" in deps] == []


def test_long_modules_say_why_they_are_one_module():
    for name, path in _modules().items():
        text = path.read_text(encoding="utf-8")
        if text.count("\n") <= LONG_MODULE_LINES:
            continue
        doc = ast.get_docstring(ast.parse(text)) or ""
        assert "Why one long module" in doc, f"{name}: {text.count(chr(10))} lines and no reason at its top"


def test_no_import_circles():
    graph = import_graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def connect(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            connect(module)
    assert circles == []
