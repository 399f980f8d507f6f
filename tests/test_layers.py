"""The package's layers: every import of an okrkit module points down, never round in a circle.

Layers, lowest first (``docs/architecture.md`` has the picture)::

    rules    errors, cycles, text, lifecycle, findings      what everything else builds on
    model    model, frames, merging, forms                  validated records and their columns
    io       io                                             files in and out
    store    store                     | analysis ...       persistence | pure analysis (siblings:
    services brainstorm, workspace, notebooks                neither imports the other)
    views    ui, cli, workshop

Every import counts, the ones inside functions too (an import in a function hides a cycle from
Python at start-up, not from a reader); only imports under ``if TYPE_CHECKING:`` are left out.
Besides the direction, the test refuses an import cycle between modules, ``from x import
_private`` across packages, and names imported from a module whose ``__all__`` leaves them out.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "okrkit"

#: Layer of each module by its dotted name below ``okrkit`` (first match of a prefix wins).
LAYERS: dict[str, str] = {
    "errors": "rules",
    "cycles": "rules",
    "text": "rules",
    "lifecycle": "rules",
    "findings": "rules",
    "model": "model",
    "frames": "model",
    "merging": "model",
    "forms": "model",
    "io": "io",
    "store": "store",
    "scoring": "analysis",
    "display": "analysis",
    "alignment": "analysis",
    "align_rules": "analysis",
    "checks": "analysis",
    "objective_checks": "analysis",
    "graph_checks": "analysis",
    "rules": "analysis",
    "wording": "analysis",
    "analysis": "analysis",
    "kpis": "analysis",
    "reports": "analysis",
    "plots": "analysis",
    "export": "analysis",
    "demo_org": "analysis",
    "brainstorm": "services",
    "carry": "services",
    "workspace": "services",
    "notebooks": "services",
    "ui": "views",
    "cli": "views",
    "workshop": "views",
}
RANK = {"rules": 0, "model": 1, "io": 2, "store": 3, "analysis": 3, "services": 4, "views": 5}
#: Layers of one rank that must not import each other.
SIBLINGS = {frozenset({"store", "analysis"})}

#: Imports allowed for now, as (importer, imported) module names, each with the step it waits for.
ALLOWED: set[tuple[str, str]] = {
    # Store.carry_over (deprecated in 0.2, goes in 0.3) forwards to okrkit.carry_over, which
    # scores the cycle above the store
    ("okrkit.store", "okrkit.carry"),
}


@dataclass(frozen=True)
class Import:
    importer: str  # dotted module name, "okrkit.x.y"
    module: str  # the okrkit module imported from
    names: tuple[str, ...]  # names taken with "from m import a, b" (empty for "import m")
    line: int

    @property
    def where(self) -> str:
        return f"{self.importer.replace('.', '/')}.py:{self.line}"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _type_checking_lines(tree: ast.AST) -> set[int]:
    """Lines of the bodies of ``if TYPE_CHECKING:`` blocks."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", None)
            if name == "TYPE_CHECKING":
                for child in node.body:
                    for sub in ast.walk(child):
                        if hasattr(sub, "lineno"):
                            lines.add(sub.lineno)
    return lines


def _resolve(importer: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = importer.split(".") if is_package else importer.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _imports(modules: dict[str, Path]) -> Iterator[Import]:
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        skip = _type_checking_lines(tree)
        is_package = path.name == "__init__.py"
        for node in ast.walk(tree):
            if getattr(node, "lineno", None) in skip:
                continue
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == "okrkit":
                        yield Import(name, alias.name, (), node.lineno)
            elif isinstance(node, ast.ImportFrom):
                target = _resolve(name, is_package, node)
                if target.split(".")[0] != "okrkit":
                    continue
                names = tuple(a.name for a in node.names)
                # "from okrkit.ui import checkin" imports the module okrkit.ui.checkin
                submodules = [n for n in names if f"{target}.{n}" in modules]
                for n in submodules:
                    yield Import(name, f"{target}.{n}", (), node.lineno)
                rest = tuple(n for n in names if n not in submodules)
                if rest:
                    yield Import(name, target, rest, node.lineno)


def _layer(module: str) -> str | None:
    parts = module.split(".")[1:]
    if not parts:
        return None  # okrkit/__init__.py: the public face imports from every layer
    if parts[0] == "__main__":
        return "views"
    return LAYERS.get(parts[0])


MODULES = _modules()
IMPORTS = list(_imports(MODULES))


def test_every_module_has_a_layer() -> None:
    unknown = [m for m in MODULES if m != "okrkit" and _layer(m) is None]
    assert not unknown, f"give these modules a layer in tests/test_layers.py: {unknown}"


def test_imports_point_down() -> None:
    wrong = []
    for imp in IMPORTS:
        if (imp.importer, imp.module) in ALLOWED:
            continue
        low, high = _layer(imp.module), _layer(imp.importer)
        if low is None or high is None or low == high:
            continue
        if RANK[low] > RANK[high] or frozenset({low, high}) in SIBLINGS:
            wrong.append(f"{imp.where}: {high} module imports {imp.module} ({low})")
    assert not wrong, "imports against the layers:\n" + "\n".join(wrong)


def test_no_import_cycles() -> None:
    graph = nx.DiGraph()
    for imp in IMPORTS:
        if (imp.importer, imp.module) in ALLOWED or imp.importer == "okrkit":
            continue
        target = imp.module
        # a package's __init__ re-exports its private modules: "okrkit.store" -> its parts is
        # the package itself, not a cycle with them
        if target.startswith(imp.importer + ".") or imp.importer.startswith(target + "."):
            continue
        graph.add_edge(imp.importer, target)
    cycles = list(nx.simple_cycles(graph, length_bound=8))
    shown = sorted(" -> ".join([*c, c[0]]) for c in cycles)
    assert not shown, "import cycles:\n" + "\n".join(shown[:20])


def _package(module: str) -> str:
    return module.rsplit(".", 1)[0]


def _inside(importer: str, module: str) -> bool:
    """Whether ``importer`` is part of the package that ``module`` is private to."""
    home = _package(module)
    return importer == home or importer.startswith(home + ".")


def test_no_private_imports_across_packages() -> None:
    wrong = []
    for imp in IMPORTS:
        private_module = any(p.startswith("_") for p in imp.module.split(".")[1:])
        if private_module and not _inside(imp.importer, imp.module):
            wrong.append(f"{imp.where}: imports the private module {imp.module}")
        for n in imp.names:
            if n.startswith("_") and not (
                imp.importer == imp.module or _inside(imp.importer, imp.module + ".x")
            ):
                wrong.append(f"{imp.where}: from {imp.module} import {n}")
    assert not wrong, "private names used outside their package:\n" + "\n".join(wrong)


@pytest.mark.parametrize("module", sorted({i.module for i in IMPORTS if i.names}))
def test_imported_names_are_public(module: str) -> None:
    """Across packages, ``from m import name`` takes only names in ``m.__all__``."""
    public = getattr(importlib.import_module(module), "__all__", None)
    if public is None:
        pytest.fail(f"{module} has no __all__: say which of its names are public")
    wrong = [
        f"{imp.where}: from {module} import {n}"
        for imp in IMPORTS
        if imp.module == module and not _inside(imp.importer, module + ".x")
        for n in imp.names
        if n not in public and n != "*"
    ]
    assert not wrong, f"names outside {module}.__all__:\n" + "\n".join(wrong)


def test_the_walker_sees_function_level_and_relative_imports(tmp_path: Path) -> None:
    """The checks above rest on the walker; it must see what Python sees."""
    pkg = tmp_path / "okrkit"
    (pkg / "ui").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "ui" / "__init__.py").write_text("from . import view\n")
    (pkg / "ui" / "view.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from okrkit.store import Store\n"
        "def f():\n    from ..scoring import score\n    import okrkit.model\n"
    )
    (pkg / "scoring.py").write_text("")
    (pkg / "model.py").write_text("")
    global PACKAGE
    saved = PACKAGE
    try:
        PACKAGE = pkg
        found = {(i.importer, i.module) for i in _imports(_modules())}
    finally:
        PACKAGE = saved
    assert found == {
        ("okrkit.ui", "okrkit.ui.view"),
        ("okrkit.ui.view", "okrkit.scoring"),
        ("okrkit.ui.view", "okrkit.model"),
    }


def test_every_module_is_described_in_the_architecture_doc() -> None:
    """``docs/architecture.md`` names every module with a line on its job."""
    doc = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    listed = set()
    for line in doc.splitlines():
        if line.startswith("| `"):
            listed.add(line.split("`")[1])
    paths = {str(p.relative_to(PACKAGE)) for p in MODULES.values()}
    missing = sorted(p for p in paths if p not in listed and not p.endswith("__main__.py"))
    assert not missing, "describe these modules in docs/architecture.md:\n" + "\n".join(missing)
    stale = sorted(p for p in listed if p.endswith(".py") and p not in paths)
    assert not stale, "docs/architecture.md names modules that are gone:\n" + "\n".join(stale)
