"""The About dialog (versions of the tool, its knowledge, Python and Qt) and the list of keyboard shortcuts."""

from __future__ import annotations

import platform
import sys

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from acronis_triage.app import TOOL_NAME, __version__


def versions() -> list[tuple[str, str]]:
    from PySide6.QtCore import QCoreApplication

    try:
        from acronis_triage.analyzers.knowledge import describe

        knowledge = describe()
    except Exception as exc:  # noqa: BLE001 - the dialog must open even with a broken signature pack
        knowledge = f"unknown ({type(exc).__name__})"
    return [
        (QCoreApplication.translate("About", "Tool"), f"{TOOL_NAME} {__version__}"),
        (QCoreApplication.translate("About", "Signatures and KB index"), knowledge),
        (QCoreApplication.translate("About", "Python"), f"{platform.python_version()} ({sys.executable})"),
        (QCoreApplication.translate("About", "Qt / PySide6"), f"{qVersion()} / {pyside_version}"),
        (QCoreApplication.translate("About", "System"), platform.platform()),
    ]


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("About Acronis Triage"))
        heading = QLabel(self.tr("Acronis Triage %1").replace("%1", __version__))
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        intro = QLabel(self.tr("Collects Acronis logs and system facts, matches them against known issues from the "
                               "Acronis knowledge base, and writes a support bundle with a pre-filled escalation "
                               "form for Acronis Service Provider Support."))
        intro.setWordWrap(True)
        self.rows = versions()
        self.table = QLabel("<table cellpadding='2'>" + "".join(
            f"<tr><th align='left'>{_html(k)}</th><td>{_html(v)}</td></tr>" for k, v in self.rows) + "</table>")
        self.table.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                           | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.table.setWordWrap(True)
        copy = QPushButton(self.tr("&Copy versions"))
        copy.clicked.connect(self.copy)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        self.setMinimumWidth(min(self.fontMetrics().averageCharWidth() * 80, 640))
        layout.addWidget(buttons)

    def text(self) -> str:
        return "\n".join(f"{k}: {v}" for k, v in self.rows)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text())


def _html(text: str) -> str:
    from html import escape

    return escape(text)


class ShortcutsDialog(QDialog):
    """Every shortcut of the window, read from its actions, so the list never goes stale."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        rows = []
        for action in parent.findChildren(QAction):
            keys = ", ".join(s.toString(s.SequenceFormat.NativeText) for s in action.shortcuts())
            if keys and action.text():
                rows.append((action.text().replace("&", ""), keys))
        rows += [(self.tr("Next / previous step"), "Ctrl+Tab, Ctrl+Shift+Tab"),
                 (self.tr("Move between fields"), "Tab, Shift+Tab"),
                 (self.tr("Tick a collector, open an evidence line or a link"), self.tr("Space / Enter"))]
        table = QTableWidget(len(rows), 2)
        table.setHorizontalHeaderLabels([self.tr("Action"), self.tr("Keys")])
        table.verticalHeader().setVisible(False)
        table.setTabKeyNavigation(False)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, (name, keys) in enumerate(sorted(set(rows))):
            table.setItem(row, 0, QTableWidgetItem(name))
            table.setItem(row, 1, QTableWidgetItem(keys))
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addWidget(buttons)
        self.resize(min(560, parent.width()), min(480, parent.height()))
