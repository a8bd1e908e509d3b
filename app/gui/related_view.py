"""Articles that look like the errors no signature confirmed: leads to read, shown apart from the findings."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QHeaderView, QLabel, QTreeWidget, QTreeWidgetItem, QWidget

from acronis_triage.app.gui import desktop
from acronis_triage.app.gui.slices import SliceFiller

URL_ROLE = Qt.ItemDataRole.UserRole + 1


class RelatedView(QTreeWidget):
    """One row per possibly related article (``findings.json`` ``related``), best score first per error.

    Signals:
        linkOpened(str): an article link was clicked (after asking the desktop to open it).
    """

    COL_ARTICLE, COL_TITLE, COL_SCORE, COL_ERROR = range(4)

    linkOpened = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setColumnCount(4)
        self.setHeaderLabels([self.tr("Article"), self.tr("Title"), self.tr("Score"), self.tr("For the error")])
        self.setRootIsDecorated(False)
        self.setAlternatingRowColors(True)
        self.setUniformRowHeights(True)
        self.setAccessibleName(self.tr("Possibly related articles, not confirmed"))
        header = self.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(self.COL_ARTICLE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(self.COL_TITLE, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(self.COL_SCORE, QHeaderView.ResizeMode.ResizeToContents)
        self.setColumnWidth(self.COL_TITLE, 360)
        # The keyboard way to a link: Enter opens the current row's article.
        self.itemActivated.connect(lambda item, _column: self.open_item(item))
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        copy_link = QAction(self.tr("Copy the link"), self)
        copy_link.triggered.connect(self.copy_link)
        self.addAction(copy_link)
        self.filler = SliceFiller(self)

    def open_item(self, item: QTreeWidgetItem | None) -> None:
        url = str(item.data(0, URL_ROLE) or "") if item is not None else ""
        if url:
            self._open_link(url)

    def copy_link(self) -> None:
        item = self.currentItem()
        if item is not None and item.data(0, URL_ROLE):
            QGuiApplication.clipboard().setText(str(item.data(0, URL_ROLE)))

    def set_related(self, related: Iterable[dict[str, Any]]) -> None:
        """The first rows at once, the rest in slices (`app.gui.slices`)."""
        self.clear()
        self.filler.fill([entry for entry in related if isinstance(entry, dict)], self._add)

    def clear(self) -> None:
        self.filler.stop()
        super().clear()

    def _add(self, entry: dict[str, Any]) -> None:
        item = QTreeWidgetItem(self)
        number = str(entry.get("kb", ""))
        label_text = self.tr("KB %1").replace("%1", number) if entry.get("kind", "kb") == "kb" else self.tr("Docs")
        title = str(entry.get("title") or "")
        event = entry.get("event") if isinstance(entry.get("event"), dict) else {}
        error = str(event.get("template") or event.get("text") or "")
        item.setText(self.COL_TITLE, title)
        item.setToolTip(self.COL_TITLE, title)
        item.setText(self.COL_SCORE, f"{float(entry.get('score') or 0):.1f}")
        item.setText(self.COL_ERROR, error)
        item.setToolTip(self.COL_ERROR, error)
        item.setData(self.COL_ARTICLE, Qt.ItemDataRole.AccessibleTextRole, label_text)
        url = str(entry.get("url") or "")
        if url.startswith(("https://", "http://")):
            item.setData(0, URL_ROLE, url)
            label = QLabel(f'<a href="{url}">{label_text}</a>')
            label.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                          | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
            label.setOpenExternalLinks(False)
            label.setContentsMargins(2, 0, 12, 0)
            label.linkActivated.connect(self._open_link)
            label.setToolTip(url)
            self.setItemWidget(item, self.COL_ARTICLE, label)
        else:
            item.setText(self.COL_ARTICLE, label_text)

    def _open_link(self, url: str) -> None:
        desktop.open_url(self, url)
        self.linkOpened.emit(url)
