"""The known issues a run matched: severity, title, KB articles as links, and how often each was seen."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QHeaderView, QLabel, QTreeWidget, QTreeWidgetItem, QWidget

from acronis_triage.app.gui import desktop
from acronis_triage.app.gui.slices import SliceFiller
from acronis_triage.app.gui.style import severity_colour, severity_rank, severity_text

KB_URL = "https://kb.acronis.com/content/{number}"
KB_NUMBERS_ROLE = Qt.ItemDataRole.UserRole + 1
FINDING_ROLE = Qt.ItemDataRole.UserRole + 2


def kb_links(finding: dict[str, Any]) -> list[tuple[str, str]]:
    """(number, url) for each KB article of a finding from ``findings.json``."""
    numbers = [str(n) for n in finding.get("kb") or []]
    urls = list(finding.get("kb_urls") or [])
    return [(n, urls[i] if i < len(urls) and urls[i] else KB_URL.format(number=n)) for i, n in enumerate(numbers)]


class FindingsView(QTreeWidget):
    """One row per finding, worst first (severity, then how often it was seen).

    Signals:
        linkOpened(str): a KB link was clicked (after asking the desktop to open it; if no browser opens,
            the link is shown to copy).
        findingSelected(object): the current finding's dict, or None.
    """

    COL_SEVERITY, COL_TITLE, COL_KB, COL_COUNT = range(4)

    linkOpened = Signal(str)
    findingSelected = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setColumnCount(4)
        self.setHeaderLabels([self.tr("Severity"), self.tr("Known issue"), self.tr("KB articles"), self.tr("Seen")])
        self.setRootIsDecorated(False)
        self.setAlternatingRowColors(True)
        self.setUniformRowHeights(True)
        self.setAccessibleName(self.tr("Findings"))
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(self.COL_SEVERITY, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(self.COL_TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(self.COL_KB, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(self.COL_COUNT, QHeaderView.ResizeMode.ResizeToContents)
        self.currentItemChanged.connect(lambda item, _previous: self.findingSelected.emit(self.finding_of(item)))
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        copy_links = QAction(self.tr("Copy the KB links"), self)
        copy_links.triggered.connect(self.copy_links)
        self.addAction(copy_links)
        self.filler = SliceFiller(self)

    def finding_of(self, item: QTreeWidgetItem | None) -> dict[str, Any] | None:
        value = item.data(0, FINDING_ROLE) if item is not None else None
        return value if isinstance(value, dict) else None

    def current_finding(self) -> dict[str, Any] | None:
        return self.finding_of(self.currentItem())

    def copy_links(self) -> None:
        finding = self.current_finding()
        if finding is not None:
            QGuiApplication.clipboard().setText("\n".join(url for _n, url in kb_links(finding)))

    def set_findings(self, findings: Iterable[dict[str, Any]]) -> None:
        """The first rows at once, the rest in slices (`app.gui.slices`): a run can end with dozens."""
        self.clear()
        ordered = sorted(findings, key=lambda f: (severity_rank(str(f.get("severity", ""))), -int(f.get("count") or 0)))
        self.filler.fill(ordered, self._add)

    def clear(self) -> None:
        self.filler.stop()
        super().clear()

    def _add(self, finding: dict[str, Any]) -> None:
        severity = str(finding.get("severity", ""))
        item = QTreeWidgetItem(self)
        item.setData(0, FINDING_ROLE, finding)
        item.setSizeHint(self.COL_TITLE, QSize(0, self.fontMetrics().height() + 10))
        item.setText(self.COL_SEVERITY, severity_text(severity))
        item.setForeground(self.COL_SEVERITY, severity_colour(severity))
        item.setText(self.COL_TITLE, str(finding.get("title") or finding.get("signature") or ""))
        item.setText(self.COL_COUNT, str(finding.get("count") or 0))
        item.setToolTip(self.COL_TITLE, self._tooltip(finding))
        links = kb_links(finding)
        # The label draws the links; the item keeps the plain numbers (its own text would show through).
        numbers = ", ".join(n for n, _url in links)
        item.setData(self.COL_KB, KB_NUMBERS_ROLE, numbers)
        item.setData(self.COL_KB, Qt.ItemDataRole.AccessibleTextRole, numbers)
        if not links:
            item.setText(self.COL_KB, "—")
        else:
            label = QLabel(", ".join(f'<a href="{url}">KB {n}</a>' for n, url in links))
            label.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                          | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
            label.setOpenExternalLinks(False)
            label.setContentsMargins(2, 0, 12, 0)
            label.linkActivated.connect(self._open_link)
            label.setToolTip(self.tr("Open the article on kb.acronis.com"))
            self.setItemWidget(item, self.COL_KB, label)

    def kb_label(self, row: int) -> QLabel | None:
        widget = self.itemWidget(self.topLevelItem(row), self.COL_KB)
        return widget if isinstance(widget, QLabel) else None

    def _open_link(self, url: str) -> None:
        desktop.open_url(self, url)
        self.linkOpened.emit(url)

    def _tooltip(self, finding: dict[str, Any]) -> str:
        parts = []
        if finding.get("description"):
            parts.append(str(finding["description"]))
        if finding.get("cause"):
            parts.append(self.tr("Cause: %1").replace("%1", str(finding["cause"])))
        steps = finding.get("workaround") or []
        if steps:
            parts.append(self.tr("Workaround:") + "\n" + "\n".join(f"{i}. {s}" for i, s in enumerate(steps, 1)))
        if finding.get("signature"):
            parts.append(self.tr("Signature: %1").replace("%1", str(finding["signature"])))
        return "\n\n".join(parts)
