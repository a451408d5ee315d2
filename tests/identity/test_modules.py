"""analysis/identity is split by job: the modules import each other without cycles, and nothing
is imported inside a function."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

import analysis.identity

PACKAGE = Path(analysis.identity.__file__).parent
MINE = ["keys", "many_keys", "book", "merging", "people", "matching", "lookalikes", "resolution"]


def _tree(name: str) -> ast.Module:
    return ast.parse((PACKAGE / f"{name}.py").read_text(encoding="utf-8"))


def test_identity_modules_import_each_other_without_cycles():
    graph = nx.DiGraph()
    for name in MINE:
        graph.add_node(name)
        for node in ast.walk(_tree(name)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "analysis.identity."
            ):
                graph.add_edge(name, node.module.rsplit(".", 1)[1])
    assert nx.is_directed_acyclic_graph(graph), nx.find_cycle(graph)
    assert set(nx.descendants(graph, "resolution")) == set(MINE) - {"resolution"}


def test_identity_modules_import_nothing_inside_functions():
    for name in MINE:
        for fn in ast.walk(_tree(name)):
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                inner = [n for n in ast.walk(fn) if isinstance(n, (ast.Import, ast.ImportFrom))]
                assert not inner, f"{name}.{fn.name} imports inside a function"
