"""The layout shows the flow and holds it: no import cycles between closeknit's modules, no
imports hidden inside functions (except a deliberate, commented lazy import), the library never
imports Streamlit, and the dashboard reaches importers and identity resolution only through the
pipeline."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("analysis", "dashboard", "app_pages")


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    out = {}
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            out[_module_name(path)] = path
    out["app"] = ROOT / "app.py"
    return out


def _resolve(target: str, known: dict[str, Path]) -> str | None:
    """The most specific known module ``target`` names (``a.b.c`` may be a name in ``a.b``)."""
    while target and target not in known:
        target = target.rpartition(".")[0]
    return target or None


def _imports(tree: ast.Module, module: str, is_package: bool) -> list[tuple[ast.stmt, str]]:
    out: list[tuple[ast.stmt, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend((node, a.name) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                pkg = module if is_package else module.rpartition(".")[0]
                for _ in range(node.level - 1):
                    pkg = pkg.rpartition(".")[0]
                base = f"{pkg}.{base}" if base else pkg
            out.extend((node, f"{base}.{a.name}") for a in node.names)
    return out


def _graph() -> nx.DiGraph:
    known = _modules()
    g = nx.DiGraph()
    for module, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        g.add_node(module)
        for node, target in _imports(tree, module, path.name == "__init__.py"):
            found = _resolve(target, known)
            if found and found != module and not _type_checking_only(tree, node):
                g.add_edge(module, found)
    return g


def _type_checking_only(tree: ast.Module, node: ast.stmt) -> bool:
    for block in ast.walk(tree):
        if (
            isinstance(block, ast.If)
            and "TYPE_CHECKING" in ast.unparse(block.test)
            and any(node is n for n in ast.walk(block))
        ):
            return True
    return False


def test_no_import_cycles():
    g = _graph()
    # a package's __init__ re-exporting its own modules is not a cycle of the flow
    flow = nx.DiGraph(
        (a, b)
        for a, b in g.edges
        if not (b.startswith(a + ".") and (ROOT / a.replace(".", "/") / "__init__.py").exists())
    )
    cycles = list(nx.simple_cycles(flow))
    assert not cycles, cycles[:5]


def test_no_imports_inside_functions_except_commented_lazy_ones():
    hidden = []
    for module, path in _modules().items():
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    line = lines[inner.lineno - 1]
                    if "lazy" not in line.lower():
                        hidden.append(f"{module}:{inner.lineno}: {line.strip()}")
    assert not hidden, hidden


def test_the_library_never_imports_streamlit():
    g = _graph()
    known = _modules()
    for module, path in known.items():
        if not module.startswith("analysis"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [t for _, t in _imports(tree, module, path.name == "__init__.py")]
        assert not any(n.split(".")[0] == "streamlit" for n in names), module
    assert g.number_of_nodes() > 30


def test_the_dashboard_reaches_importers_and_identity_only_through_the_pipeline():
    g = _graph()
    allowed = {"analysis.importers.base"}  # the SourceFile type and the report types
    bad = [
        (a, b)
        for a, b in g.edges
        if a.split(".")[0] in ("dashboard", "app_pages", "app")
        and (b.startswith("analysis.importers") or b == "analysis.identity.resolution")
        and b not in allowed
    ]
    assert not bad, bad
