"""Step 6, the bundle's contents (the back-office view): the manifest in words, how each collector ended, and
every file in a tree with a viewer.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from acronis_triage.app.escalation import format_time
from acronis_triage.app.gui.case import Case
from acronis_triage.app.gui.desktop import LinkBrowser
from acronis_triage.app.gui.log_viewer import LogView
from acronis_triage.app.gui.slices import SliceFiller
from acronis_triage.app.gui.style import format_bytes, state_colour, state_text

PATH_ROLE = Qt.ItemDataRole.UserRole + 1
translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls


class ContentsStep(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.case: Case | None = None
        self._folders: dict[str, QTreeWidgetItem] = {}
        # Rows in slices: a bundle of 100,000 files never freezes the window (`app.gui.slices`).
        self._filler = SliceFiller(self)
        self.empty = QLabel(self.tr("No bundle open. Open a received bundle (Ctrl+O, or drop it on the window), "
                                    "or collect one (step 2)."))
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        self.manifest = LinkBrowser()
        self.manifest.setAccessibleName(self.tr("The bundle's manifest in words"))
        self.collectors = QTreeWidget()
        self.collectors.setColumnCount(4)
        self.collectors.setHeaderLabels([self.tr("Collector"), self.tr("Status"), self.tr("Time"),
                                         self.tr("Reason")])
        self.collectors.setRootIsDecorated(False)
        self.collectors.setAlternatingRowColors(True)
        self.collectors.setAccessibleName(self.tr("How each collector ended"))
        self.collectors.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.collectors.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.collectors.header().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)

        self.files = QTreeWidget()
        self.files.setColumnCount(3)
        self.files.setHeaderLabels([self.tr("File"), self.tr("Size"), self.tr("Collector")])
        self.files.setAccessibleName(self.tr("Files in the bundle"))
        self.files.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.files.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.files.header().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.files.header().setStretchLastSection(False)
        self.files.currentItemChanged.connect(lambda item, _previous: self._show_file(item))
        self.viewer = LogView()
        files_page = QSplitter(Qt.Orientation.Horizontal)
        files_page.setChildrenCollapsible(False)
        files_page.addWidget(self.files)
        files_page.addWidget(self.viewer)
        files_page.setSizes([340, 520])

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(files_page, self.tr("Files"))
        self.tabs.addTab(self.manifest, self.tr("Manifest"))
        self.tabs.addTab(self.collectors, self.tr("Collectors"))
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.tabs)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)

    def set_case(self, case: Case | None) -> None:
        self.case = case if case is not None and case.has_bundle else None
        self._filler.stop()
        self.files.clear()
        self.collectors.clear()
        self.viewer.show_message(self.tr("Choose a file to see it."))
        if self.case is None:
            self.stack.setCurrentIndex(0)
            return
        manifest = self.case.manifest
        self.manifest.setHtml(manifest_html(manifest, self.case.bundle.path))
        for entry in manifest.get("collectors") or []:
            if not isinstance(entry, dict):
                continue
            item = QTreeWidgetItem(self.collectors)
            status = str(entry.get("status", ""))
            item.setText(0, str(entry.get("title") or entry.get("name") or ""))
            item.setToolTip(0, str(entry.get("name", "")))
            item.setText(1, state_text(status))
            item.setForeground(1, state_colour(status))
            item.setText(2, f"{float(entry.get('duration_s') or 0):.1f} s")
            item.setText(3, str(entry.get("reason") or ""))
            item.setToolTip(3, str(entry.get("reason") or ""))
        self._fill_files(manifest)
        self.stack.setCurrentIndex(1)

    @property
    def filling(self) -> bool:
        return self._filler.busy

    def _fill_files(self, manifest: dict[str, Any]) -> None:
        records = [f for f in manifest.get("files") or [] if isinstance(f, dict) and f.get("path")]
        # The manifest lists every file but itself.
        records.append({"path": "manifest.json", "size": None, "collector": ""})
        self._folders = {}
        self._filler.fill(sorted(records, key=lambda r: str(r["path"])), self._add_file)

    def _add_file(self, record: dict[str, Any]) -> None:
        folders = self._folders
        path = str(record["path"])
        parts = path.split("/")
        parent: QTreeWidget | QTreeWidgetItem = self.files
        for depth in range(len(parts) - 1):
            key = "/".join(parts[: depth + 1])
            folder = folders.get(key)
            if folder is None:
                folder = QTreeWidgetItem(parent)
                folder.setText(0, parts[depth] + "/")
                folders[key] = folder
            parent = folder
        item = QTreeWidgetItem(parent)
        item.setText(0, parts[-1])
        item.setToolTip(0, path + (f"\n{record['source']}" if record.get("source") else ""))
        if record.get("size") is not None:
            item.setText(1, format_bytes(int(record["size"])))
        item.setText(2, str(record.get("collector") or ""))
        item.setData(0, PATH_ROLE, path)
        if len(parts) > 1 and not folders[parts[0]].isExpanded():
            folders[parts[0]].setExpanded(True)  # the top folders open

    def _show_file(self, item: QTreeWidgetItem | None) -> None:
        path = item.data(0, PATH_ROLE) if item is not None else None
        if not path or self.case is None:
            return
        self.viewer.load(str(path), self.case.bundle.path)

    def select_file(self, path: str) -> bool:
        """Make the file current in the tree (and so load it into the viewer)."""
        matches = [item for item in self.files.findItems("*", Qt.MatchFlag.MatchWildcard | Qt.MatchFlag.MatchRecursive)
                   if item.data(0, PATH_ROLE) == path]
        if matches:
            self.files.setCurrentItem(matches[0])
        return bool(matches)


def manifest_html(manifest: dict[str, Any], path: Path) -> str:
    e = escape
    tool = manifest.get("tool") if isinstance(manifest.get("tool"), dict) else {}
    knowledge = tool.get("knowledge") if isinstance(tool.get("knowledge"), dict) else {}
    host = manifest.get("host") if isinstance(manifest.get("host"), dict) else {}
    window = manifest.get("time_window") if isinstance(manifest.get("time_window"), dict) else {}
    rows = [
        (translate("ContentsStep", "Bundle"), str(path)),
        (translate("ContentsStep", "Created"), format_time(manifest.get("created_utc"))),
        (translate("ContentsStep", "Tool"), f"{tool.get('name', '')} {tool.get('version', '')}"
                     + (f" · knowledge {knowledge.get('version')}" if knowledge.get("version") else "")),
        (translate("ContentsStep", "Machine"), str(host.get("hostname") or "")),
        (translate("ContentsStep", "System"),
         str(host.get("os_description") or host.get("platform") or host.get("os") or "")),
        (translate("ContentsStep", "Source"), translate("ContentsStep", "the live machine") if host.get("live") else
         translate("ContentsStep", "an offline copy: %1").replace("%1", str(host.get("root") or ""))),
        (translate("ContentsStep", "Time window"),
         f"{format_time(window.get('since'))} … {format_time(window.get('until'))}" if window else ""),
    ]
    products = [p for p in manifest.get("products") or [] if isinstance(p, dict)]
    product_text = "; ".join(" ".join(str(p.get(k)) for k in ("name", "component", "version", "build") if p.get(k))
                             for p in products) or translate("ContentsStep", "no Acronis product found")
    rows.append((translate("ContentsStep", "Acronis products"), product_text))
    identifiers = manifest.get("identifiers") if isinstance(manifest.get("identifiers"), dict) else {}
    for key, value in identifiers.items():
        rows.append((str(key), str(value)))
    files = [f for f in manifest.get("files") or [] if isinstance(f, dict)]
    total = sum(int(f.get("size") or 0) for f in files)
    count = translate("ContentsStep", "%1 files, %2").replace("%1", str(len(files))).replace("%2", format_bytes(total))
    rows.append((translate("ContentsStep", "Files"), count))
    return "<table cellpadding='3'>" + "".join(
        f"<tr><th align='left' valign='top'>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in rows if v) + "</table>"
