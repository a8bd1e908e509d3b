"""Every user-visible string of the window goes through Qt's translation, in a form lupdate extracts."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

GUI = Path(__file__).parents[2] / "app" / "gui"
# Qt calls and classes that put text on the screen or into a screen reader.
TEXT_METHODS = {"setText", "setToolTip", "setStatusTip", "setPlaceholderText", "setWindowTitle", "setAccessibleName",
                "showMessage", "addTab", "setTabText", "setTitle", "setHeaderLabels", "addItem", "setFormat",
                "show_message", "setPrefix", "setSuffix", "addMenu", "setHorizontalHeaderLabels"}
TEXT_CLASSES = {"QLabel", "QPushButton", "QCheckBox", "QRadioButton", "QGroupBox", "QAction", "QListWidgetItem",
                "QTableWidgetItem", "Banner"}
WORDS = re.compile(r"[A-Za-z]{2,}")


def _modules() -> list[Path]:
    return sorted(p for p in GUI.rglob("*.py") if "guided" not in p.relative_to(GUI).parts)


def _words(text: str) -> bool:
    return WORDS.search(re.sub(r"<[^>]*>?|^[^<]*>", "", text)) is not None  # markup is not text


def _literal_words(node: ast.AST) -> list[str]:
    """Literal text with words in it that reaches the call as it is (not through tr/translate)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value] if _words(node.value) else []
    if isinstance(node, ast.JoinedStr):
        return [v.value for v in node.values if isinstance(v, ast.Constant) and _words(str(v.value))]
    if isinstance(node, (ast.List, ast.Tuple)):
        return [w for element in node.elts for w in _literal_words(element)]
    if isinstance(node, ast.BinOp):
        return _literal_words(node.left) + _literal_words(node.right)
    return []


def test_no_text_reaches_the_screen_untranslated() -> None:
    found = []
    for path in _modules():
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        tree = ast.parse(source)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name not in TEXT_METHODS and name not in TEXT_CLASSES:
                continue
            arguments = [*node.args, *(k.value for k in node.keywords)]
            if name == "addItem":
                arguments = arguments[:1]  # the second is the item's data, not shown
            if "not translated:" in lines[node.lineno - 1]:
                continue
            for argument in arguments:
                for text in _literal_words(argument):
                    found.append(f"{path.name}:{node.lineno}: {text!r}")
    assert not found, "untranslated text:\n" + "\n".join(found)


def test_data_texts_list_every_label_of_the_form_and_every_preset() -> None:
    from acronis_triage.app.escalation import FIELDS, ISSUE_CATEGORIES, SECTIONS, SEVERITY_SCALE
    from acronis_triage.app.gui.data_texts import TEXTS
    from acronis_triage.app.gui.presets import PRESETS

    wanted = {f.label for f in FIELDS} | {f.help for f in FIELDS if f.help} | {t for _, t in SECTIONS}
    wanted |= set(ISSUE_CATEGORIES) | {m for _, m in SEVERITY_SCALE}
    wanted |= {p.title for p in PRESETS} | {p.description for p in PRESETS}
    assert wanted - set(TEXTS) == set()


def _lupdate() -> str | None:
    beside = Path(sys.executable).with_name("pyside6-lupdate")
    return str(beside) if beside.exists() else shutil.which("pyside6-lupdate")


def test_lupdate_extracts_the_windows_texts(tmp_path: Path) -> None:
    lupdate = _lupdate()
    if lupdate is None:
        pytest.skip("pyside6-lupdate is not installed")
    from acronis_triage.app.gui.data_texts import TEXTS

    ts = tmp_path / "acronis_triage.ts"
    done = subprocess.run([lupdate, *map(str, _modules()), "-ts", str(ts)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    import html

    sources = {html.unescape(s) for s in re.findall(r"<source>(.*?)</source>", ts.read_text(encoding="utf-8"),
                                                   re.S)}
    for text in ("Start collection", "Not ready: %1 item(s) missing", "Collected, but no Acronis product was found",
                 "No web browser could be opened on this computer. Copy the address and open it elsewhere:",
                 "Cause:", "Replace the bundle?", "done", "%1 matching events", "Bundle contents", *TEXTS):
        assert text in sources, f"lupdate does not extract {text!r}"
