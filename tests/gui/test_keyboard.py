"""Keyboard alone: Tab reaches every control of every step and comes back (no traps), Ctrl+Tab leaves a table,
mnemonics are unique on each step, and every control says what it is to a screen reader."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QGroupBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QScrollArea,
    QTabBar,
    QWidget,
)

from acronis_triage.app.gui.main_window import COLLECT, CONTENTS, EXPORT, FINDINGS, FORM, PROBLEM, MainWindow

MakeWindow = Callable[..., MainWindow]
STEPS = [PROBLEM, COLLECT, FINDINGS, FORM, EXPORT, CONTENTS]
MAX_TABS = 600


@pytest.fixture
def window(make_main_window: MakeWindow, qtbot: Any, demo_bundle: Path) -> MainWindow:
    window = make_main_window(step=None)
    window.demo_radio.click()
    window.open_bundle(demo_bundle)
    qtbot.waitUntil(lambda: not window.opening and window.case is not None and not window.filling, timeout=30000)
    qtbot.waitUntil(lambda: not window.form_step.checking, timeout=30000)
    window.contents_step.select_file("report.html")
    return window


def focusable(root: QWidget) -> list[QWidget]:
    """Visible, enabled widgets that take focus by Tab (a compound widget counts once)."""
    out = []
    for widget in root.findChildren(QWidget):
        if not (widget.isVisible() and widget.isEnabled() and widget.focusPolicy() & Qt.FocusPolicy.TabFocus):
            continue
        if isinstance(widget, QScrollArea) or widget.focusProxy() is not None:
            continue
        parent = widget.parentWidget()
        if parent is not None and parent.focusProxy() is widget:  # the line edit inside a spin box
            continue
        if isinstance(parent, QWidget) and isinstance(parent.parentWidget(), QAbstractScrollArea) and \
                parent is parent.parentWidget().viewport() and not isinstance(widget, QLineEdit):
            continue  # a widget drawn inside a list's cell is reached through the list
        out.append(widget)
    return out


def walk(window: MainWindow, key: Qt.Key = Qt.Key.Key_Tab) -> list[QWidget]:
    window.navigator.setFocus()
    seen: list[QWidget] = []
    for _ in range(MAX_TABS):
        current = QApplication.focusWidget()
        assert current is not None
        from pytestqt.qtbot import QtBot

        QtBot.keyClick(current, key)
        now = QApplication.focusWidget()
        if now is window.navigator:
            return seen
        seen.append(now)
    pytest.fail(f"Tab never came back to the step list: stuck in {[type(w).__name__ for w in seen[-5:]]}")


def _radio_of_a_reached_group(widget: QWidget, reached: set[int]) -> bool:
    # Tab enters a group of radio buttons at the checked one; the arrow keys move inside (Qt's and every
    # desktop's convention).
    group = widget.group() if isinstance(widget, QRadioButton) else None
    return group is not None and any(id(b) in reached for b in group.buttons())


@pytest.mark.parametrize("step", STEPS)
def test_tab_reaches_every_control_of_the_step_and_comes_back(window: MainWindow, step: int) -> None:
    window.go_to(step)
    page = window.steps[step][1]
    expected = [*focusable(page), window.back_button, window.next_button]
    expected = [w for w in expected if w.isEnabled() and w.isVisible()]
    seen = walk(window)
    reached: set[int] = set()
    for widget in seen:
        while widget is not None:
            reached.add(id(widget))
            widget = widget.parentWidget()
    missing = [f"{type(w).__name__} {w.accessibleName() or getattr(w, 'text', lambda: '')()!r}"
               for w in expected if id(w) not in reached and not _radio_of_a_reached_group(w, reached)]
    assert not missing, f"Tab never reaches: {missing}"
    # Shift+Tab comes back too.
    assert walk(window, Qt.Key.Key_Backtab)


def test_ctrl_tab_leaves_the_collectors_table(window: MainWindow, qtbot: Any) -> None:
    window.go_to(COLLECT)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert window.current_step() == FINDINGS
    window.go_to(COLLECT)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not window.table


@pytest.mark.parametrize("step", STEPS)
def test_mnemonics_are_unique_on_each_step(window: MainWindow, step: int) -> None:
    window.go_to(step)
    page = window.steps[step][1]
    texts = [a.text() for a in window.menuBar().actions()]
    for widget in page.findChildren(QWidget):
        if not widget.isVisible():
            continue
        if isinstance(widget, (QAbstractButton, QLabel)):
            texts.append(widget.text())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QTabBar):
            texts.extend(widget.tabText(i) for i in range(widget.count()))
    texts += [window.back_button.text(), window.next_button.text()]
    keys = [QKeySequence.mnemonic(t).toString() for t in texts if "&" in t.replace("&&", "")]
    keys = [k for k in keys if k]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    assert not repeated, f"the same Alt+key twice on step {step + 1}: {repeated}"


@pytest.mark.parametrize("step", STEPS)
def test_every_control_has_a_name_for_screen_readers(window: MainWindow, step: int) -> None:
    window.go_to(step)
    unnamed = []
    for widget in focusable(window.steps[step][1]):
        if isinstance(widget, QAbstractButton) and widget.text().strip():
            continue
        if isinstance(widget, QTabBar):
            continue
        buddies = [label for label in window.findChildren(QLabel) if label.buddy() is widget]
        if widget.accessibleName().strip() or buddies:
            continue
        unnamed.append(f"{type(widget).__name__} in {type(widget.parentWidget()).__name__}")
    assert not unnamed, unnamed
