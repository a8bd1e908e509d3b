"""The portable build leaves most of Qt out; a module the window imports must not be among those left out.

The build itself is a slow test; this check is cheap and catches the mistake before that build runs.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _excluded_qt_modules() -> set[str]:
    spec = (ROOT / "packaging" / "acronis-triage.spec").read_text(encoding="utf-8")
    block = re.search(r"excluded_qt = \[.*?for m in \((.*?)\)\]", spec, re.S)
    assert block, "the spec's excluded_qt list has changed shape; update this test"
    return set(re.findall(r'"(Qt\w+)"', block.group(1)))


def _imported_qt_modules() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in (ROOT / "app").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                parts = name.split(".")
                if len(parts) >= 2 and parts[0] == "PySide6" and parts[1].startswith("Qt"):
                    found.setdefault(parts[1], str(path.relative_to(ROOT)))
    return found


def test_no_imported_qt_module_is_left_out_of_the_build() -> None:
    imported = _imported_qt_modules()
    assert {"QtCore", "QtGui", "QtWidgets"} <= set(imported)
    clash = {m: imported[m] for m in _excluded_qt_modules() & set(imported)}
    assert not clash, f"imported by the window but excluded from the portable build: {clash}"
