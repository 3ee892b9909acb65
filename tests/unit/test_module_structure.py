"""The shape of the code (issue 12): a package per layer, each importing only the layers below it; no
import circles; the runtime scorer never reaches training code; nothing imports the CLI root; and a
module over ~400 lines says at its top why it is one module.

Layers of streams/, bottom up: core (pure) <- outputs (pagers) <- runtime (Faust) <- tooling (commands,
local Kafka, generator); streams/cli.py, the root of `suhu`, sits on top. models/: the runtime scorer at
the top level, models/offline/ (training, evaluation, cards) above it.

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
TRAINING = ("models.offline.train", "models.offline.pretrain", "models.offline.finetune", "models.offline.fraud_head_training", "models.offline.evaluate",
            "models.offline.card",
            "models.offline.corpora", "models.offline.quality", "models.offline.bias", "models.offline.functional", "models.offline.commands")
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


# Which layers each layer may import (itself included). Every streams layer may use the runtime scorer
# (`models`); only tooling reaches models.offline (`suhu train`, `suhu evaluate`), and models.offline
# may reach the streams layers because `suhu evaluate` scores hoax sets and reuses the command context.
LAYERS = {
    "streams.core": {"streams.core", "models"},
    "streams.outputs": {"streams.core", "streams.outputs", "models"},
    "streams.runtime": {"streams.core", "streams.outputs", "streams.runtime", "models"},
    "streams.tooling": {"streams.core", "streams.outputs", "streams.runtime", "streams.tooling", "models",
                        "models.offline"},
    "models": {"models"},
    "models.offline": {"models", "models.offline", "streams.core", "streams.tooling"},
}
# Libraries the pure core must not import: it knows nothing of Kafka clients, Faust, HTTP or metrics.
# (kafka-python's murmur2 partitioner is a pure hash: `engine.partition_for` reproduces Kafka's key ->
# partition mapping offline, so it is allowed by its full module name.)
NOT_IN_CORE = ("faust", "mode", "aiokafka", "aiohttp", "prometheus_client", "kafka")
ALLOWED_IN_CORE = ("kafka.partitioner.default",)


def _layer(module: str) -> str:
    parts = module.split(".")
    if parts[0] == "models":
        return "models.offline" if parts[1:2] == ["offline"] else "models"
    return ".".join(parts[:2]) if len(parts) > 2 else module


def test_every_streams_module_lives_in_a_layer_package():
    loose = [m for m, path in _modules().items()
             if path.parent == REPO / "streams" and path.name != "__init__.py" and m != "streams.cli"]
    assert loose == [], "put it in streams/core, runtime, outputs or tooling"


def test_each_layer_imports_only_the_layers_below_it():
    wrong = []
    for module, deps in import_graph().items():
        allowed = LAYERS.get(_layer(module))
        if allowed is None:
            continue
        wrong += [(module, d) for d in deps if _layer(d) not in allowed and d != "streams"]
    assert wrong == []


def test_the_runtime_scorer_never_imports_offline_code():
    graph = import_graph()
    runtime = [m for m in graph if _layer(m) == "models"]
    assert "models.scorer" in runtime and "models.offline.train" in graph
    assert [(m, d) for m in runtime for d in reachable(graph, m) if _layer(d) == "models.offline"] == []


def test_the_core_imports_no_kafka_faust_http_or_metrics_library():
    found = []
    for name, path in _modules().items():
        if _layer(name) != "streams.core":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module] if isinstance(node, ast.ImportFrom) and node.module else [])
            found += [(name, n) for n in names if n.split(".")[0] in NOT_IN_CORE and n not in ALLOWED_IN_CORE]
    assert found == []


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
