"""The layers in DESIGN.md, checked from the source: imports only point downwards, Qt stays up top.

app.py, cli/   composition roots (cli may load app.py inside a function, for the GUI)
ui/            Qt; calls services, never the database (the domain's words come from core)
reports/       PDFs from plain dataclasses; never the database or the services
services/      no Qt; builds what reports draw but never draws it
db/
core/          pure logic
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

import engagement_desk

PACKAGE = Path(engagement_desk.__file__).resolve().parent
QT_MODULES = ("PySide6", "shiboken6", "PyQt5", "PyQt6", "pytestqt")

# Which parts of the package each layer must never import.
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "core": ("db", "services", "reports", "ui", "app", "cli", "bootstrap"),
    "db": ("services", "reports", "ui", "app", "cli", "bootstrap"),
    "services": ("reports", "ui", "app", "cli", "bootstrap"),
    # Reports render plain dataclasses; they never touch the database.
    "reports": ("db", "services", "ui", "app", "cli", "bootstrap"),
    "paths": ("core", "db", "services", "reports", "ui", "app", "cli", "bootstrap"),
    "bootstrap": ("ui", "app", "cli"),
    "cli": ("ui",),
    # Views call services and show what comes back; the domain's words come from core.
    "ui": ("db", "app", "cli"),
}


@dataclass(frozen=True)
class Import:
    file: str
    line: int
    module: str
    in_function: bool

    def __str__(self) -> str:
        where = "inside a function" if self.in_function else "at module level"
        return f"{self.file}:{self.line} imports {self.module} {where}"


class _ImportCollector(ast.NodeVisitor):
    def __init__(self, file: str, package: str) -> None:
        self.file = file
        self.package = package  # the importing module's package, for relative imports
        self.depth = 0
        self.found: list[Import] = []

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(node, alias.name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            parts = self.package.split(".")
            base = ".".join(parts[: len(parts) - node.level + 1])
            module = f"{base}.{node.module}" if node.module else base
        else:
            module = node.module or ""
        self._add(node, module)
        # `from engagement_desk import ui` imports the ui package too.
        for alias in node.names:
            self._add(node, f"{module}.{alias.name}")

    def _add(self, node: ast.stmt, module: str) -> None:
        self.found.append(Import(self.file, node.lineno, module, self.depth > 0))


def imports_in(source: str, module_name: str, file: str = "<source>") -> list[Import]:
    is_package = file.endswith("__init__.py")
    package = module_name if is_package else module_name.rpartition(".")[0]
    collector = _ImportCollector(file, package)
    collector.visit(ast.parse(source, filename=file))
    return collector.found


def package_modules() -> dict[str, tuple[str, list[Import]]]:
    """Every module in the package: its layer and its imports."""
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] == "resources":
            continue
        parts = relative.with_suffix("").parts
        name = ".".join(("engagement_desk", *parts)).removesuffix(".__init__")
        layer = parts[0]  # "core", "db", ... or a top-level module such as "paths"
        modules[name] = (layer, imports_in(path.read_text("utf-8"), name, str(relative)))
    return modules


MODULES = package_modules()


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "engagement_desk" or len(parts) < 2:
        return None
    return parts[1]


def is_qt(module: str) -> bool:
    return module.split(".")[0] in QT_MODULES


def test_the_package_was_found_and_read() -> None:
    assert "engagement_desk.services.events" in MODULES
    assert "engagement_desk.db.models" in MODULES
    _, imports = MODULES["engagement_desk.services.events"]
    assert "engagement_desk.db.models" in {i.module for i in imports}


def test_only_ui_and_app_import_qt() -> None:
    offenders = [
        str(i)
        for name, (layer, imports) in MODULES.items()
        if layer not in ("ui", "app")
        for i in imports
        if is_qt(i.module)
    ]
    assert offenders == []


def test_the_gui_is_loaded_only_lazily_and_only_by_the_cli() -> None:
    offenders = []
    for _name, (layer, imports) in MODULES.items():
        if layer in ("ui", "app"):
            continue
        for i in imports:
            target = layer_of(i.module)
            if target not in ("ui", "app"):
                continue
            allowed = layer == "cli" and target == "app" and i.in_function
            if not allowed:
                offenders.append(str(i))
    assert offenders == []


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_imports_point_downwards(layer: str) -> None:
    forbidden = FORBIDDEN[layer]
    offenders = [
        str(i)
        for _name, (module_layer, imports) in MODULES.items()
        if module_layer == layer
        for i in imports
        if layer_of(i.module) in forbidden
    ]
    assert offenders == []


def test_the_checker_catches_a_violation() -> None:
    # A core module that reaches up into services and Qt, once at the top and once lazily.
    source = (
        "from PySide6.QtWidgets import QWidget\n"
        "from ..services import events\n"
        "def later():\n"
        "    import engagement_desk.app\n"
    )

    found = imports_in(source, "engagement_desk.core.scoring", "core/scoring.py")

    assert [(i.module, i.in_function) for i in found if is_qt(i.module)] == [
        ("PySide6.QtWidgets", False),
        ("PySide6.QtWidgets.QWidget", False),
    ]
    assert ("engagement_desk.services", False) in [(i.module, i.in_function) for i in found]
    assert [i.in_function for i in found if i.module == "engagement_desk.app"] == [True]
