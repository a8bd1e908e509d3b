"""Step 3, findings: known issues worst first, a details pane, evidence lines that open the log at that line, KB
links, the workaround checklist, the errors no signature explains, possibly related articles, and the timeline.
"""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import QCoreApplication, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from acronis_triage.app.escalation import errorcode_url, format_time, sercode
from acronis_triage.app.gui import desktop
from acronis_triage.app.gui.checklist_model import (
    ChecklistModel,
    ChoiceDelegate,
    StepsOfFinding,
    by_words,
    status_words,
)
from acronis_triage.app.gui.desktop import LinkBrowser
from acronis_triage.app.gui.findings_view import FindingsView, kb_links
from acronis_triage.app.gui.related_view import RelatedView
from acronis_triage.app.gui.slices import SliceFiller
from acronis_triage.app.gui.style import severity_colour, severity_text

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls

EVIDENCE_ROLE = Qt.ItemDataRole.UserRole + 1  # (file, line) of an evidence line
MAX_EVIDENCE_SHOWN = 200


def make_checklist_view(model: Any, parent: QWidget | None = None) -> QTableView:
    """A checklist table that edits from the keyboard (F2, typing, Enter) and never traps Tab."""
    view = QTableView(parent)
    view.setModel(model)
    view.setTabKeyNavigation(False)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
                         | QAbstractItemView.EditTrigger.AnyKeyPressed | QAbstractItemView.EditTrigger.SelectedClicked)
    view.setWordWrap(True)
    view.verticalHeader().setVisible(False)
    view.setItemDelegateForColumn(ChecklistModel.COL_STATUS, ChoiceDelegate(status_words(), view))
    view.setItemDelegateForColumn(ChecklistModel.COL_BY, ChoiceDelegate(by_words(), view))
    header = view.horizontalHeader()
    header.setSectionResizeMode(ChecklistModel.COL_STEP, QHeaderView.ResizeMode.Stretch)
    average = view.fontMetrics().averageCharWidth()
    view.setColumnWidth(ChecklistModel.COL_FINDING, average * 22)
    view.setColumnWidth(ChecklistModel.COL_STATUS, average * 16)
    view.setColumnWidth(ChecklistModel.COL_RESULT, average * 22)
    view.setColumnWidth(ChecklistModel.COL_BY, average * 12)
    view.setColumnWidth(ChecklistModel.COL_NOTES, average * 18)
    return view


class FindingDetails(QWidget):
    """What one finding means: selectable, copyable text; its evidence lines; its KB articles; its steps.

    Signals:
        openEvidence(str, int): open this file at this line in the log viewer.
    """

    openEvidence = Signal(str, int)

    def __init__(self, checklist: ChecklistModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.finding: dict[str, Any] | None = None
        self.text = LinkBrowser()
        self.text.setAccessibleName(self.tr("Details of the finding"))
        self.text.setMinimumHeight(self.fontMetrics().lineSpacing() * 4)
        self.copy_button = QPushButton(self.tr("&Copy details"))
        self.copy_button.setStatusTip(self.tr("Copy the details as text, e.g. into a ticket"))
        self.copy_button.clicked.connect(self.copy_details)
        self.kb_row = QHBoxLayout()
        self.kb_row.setContentsMargins(0, 0, 0, 0)
        self.kb_buttons: list[QPushButton] = []
        self.copy_links_button = QPushButton(self.tr("Copy &links"))
        self.copy_links_button.setStatusTip(self.tr("Copy the KB links, for where no browser opens"))
        self.copy_links_button.clicked.connect(self.copy_links)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addLayout(self.kb_row)
        buttons.addStretch(1)
        buttons.addWidget(self.copy_links_button)
        buttons.addWidget(self.copy_button)

        self.evidence_label = QLabel(self.tr("&Evidence (Enter opens the log at that line):"))
        self.evidence = QListWidget()
        self.evidence.setAccessibleName(self.tr("Evidence lines"))
        self.evidence_label.setBuddy(self.evidence)
        self.evidence.setMinimumHeight(self.fontMetrics().lineSpacing() * 2)
        self.evidence.itemActivated.connect(self._open_item)
        self.open_evidence_button = QPushButton(self.tr("Open in the log &viewer"))
        self.open_evidence_button.clicked.connect(lambda: self._open_item(self.evidence.currentItem()))
        evidence_head = QHBoxLayout()
        evidence_head.setContentsMargins(0, 0, 0, 0)
        evidence_head.addWidget(self.evidence_label, 1)
        evidence_head.addWidget(self.open_evidence_button)

        self.steps_label = QLabel(self.tr("Answer each &step (the escalation form takes the answers):"))
        self.steps = StepsOfFinding(checklist, self)
        self.steps_view = make_checklist_view(self.steps)
        self.steps_view.setAccessibleName(self.tr("Workaround steps of this finding"))
        self.steps_view.setColumnHidden(ChecklistModel.COL_FINDING, True)
        self.steps_label.setBuddy(self.steps_view)
        self.steps_view.setMinimumHeight(self.fontMetrics().lineSpacing() * 3)

        evidence_page = QWidget()
        evidence_layout = QVBoxLayout(evidence_page)
        evidence_layout.setContentsMargins(0, 4, 0, 0)
        evidence_layout.addLayout(evidence_head)
        evidence_layout.addWidget(self.evidence, 1)
        steps_page = QWidget()
        steps_layout = QVBoxLayout(steps_page)
        steps_layout.setContentsMargins(0, 4, 0, 0)
        steps_layout.addWidget(self.steps_label)
        steps_layout.addWidget(self.steps_view, 1)
        self.parts = QTabWidget()
        self.parts.setDocumentMode(True)
        self.evidence_tab = self.parts.addTab(evidence_page, self.tr("Evidence"))
        self.steps_tab = self.parts.addTab(steps_page, self.tr("Workaround steps"))
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.text, 1)
        top_layout.addLayout(buttons)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(top)
        splitter.addWidget(self.parts)
        splitter.setSizes([260, 160])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.show_finding(None)

    def show_finding(self, finding: dict[str, Any] | None) -> None:
        self.finding = finding
        for button in self.kb_buttons:
            self.kb_row.removeWidget(button)
            button.deleteLater()
        self.kb_buttons = []
        self.evidence.clear()
        enabled = finding is not None
        for widget in (self.copy_button, self.copy_links_button, self.open_evidence_button):
            widget.setEnabled(enabled)
        if finding is None:
            hint = self.tr("Choose a finding to see what it means, why it happens, and what to do.")
            self.text.setHtml(f"<p>{escape(hint)}</p>")
            self.steps.show_signature(None)
            return
        self.text.setHtml(finding_html(finding))
        for number, url in kb_links(finding):
            button = QPushButton(self.tr("KB %1").replace("%1", number))
            button.setToolTip(url)
            button.setStatusTip(self.tr("Open the article in the browser (its address is shown to copy if none "
                                        "opens)"))
            button.clicked.connect(lambda _checked=False, u=url: desktop.open_url(self, u))
            self.kb_row.addWidget(button)
            self.kb_buttons.append(button)
        self.copy_links_button.setEnabled(bool(self.kb_buttons))
        evidence = [e for e in finding.get("evidence") or [] if isinstance(e, dict)]
        for entry in evidence[:MAX_EVIDENCE_SHOWN]:
            file, line = str(entry.get("file") or ""), int(entry.get("line") or 0)
            text = " ".join(str(entry.get("text") or "").split())
            item = QListWidgetItem(f"{file.rsplit('/', 1)[-1]}:{line}  {text[:300]}")
            item.setToolTip(f"{file}:{line}")
            item.setData(EVIDENCE_ROLE, (file, line))
            self.evidence.addItem(item)
        if self.evidence.count():
            self.evidence.setCurrentRow(0)
        self.open_evidence_button.setEnabled(self.evidence.count() > 0)
        self.steps.show_signature(str(finding.get("signature") or ""))
        self.parts.setTabText(self.evidence_tab, self.tr("Evidence (%1)").replace("%1", str(len(evidence))))
        self.parts.setTabText(self.steps_tab, self.tr("Workaround steps (%1)").replace(
            "%1", str(self.steps.rowCount())))

    def _open_item(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        file, line = item.data(EVIDENCE_ROLE)
        if file:
            self.openEvidence.emit(file, line)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.text.toPlainText())

    def copy_links(self) -> None:
        if self.finding is not None:
            QGuiApplication.clipboard().setText("\n".join(url for _n, url in kb_links(self.finding)))


def finding_html(finding: dict[str, Any]) -> str:
    e = escape
    severity = str(finding.get("severity", ""))
    count = translate("FindingDetails", "%1 matching events").replace("%1", str(finding.get("count") or 0))
    seen = (f" · {format_time(finding.get('first_seen'))} … {format_time(finding.get('last_seen'))}"
            if finding.get("first_seen") else "")
    parts = [f"<h3>{e(str(finding.get('title') or finding.get('signature')))}</h3>",
             f"<p><b style='color:{severity_colour(severity).name()}'>{e(severity_text(severity))}</b> · "
             f"{e(count)}{e(seen)}</p>"]
    if finding.get("description"):
        parts.append(f"<p>{e(str(finding['description']))}</p>")
    if finding.get("cause"):
        label = translate("FindingDetails", "Cause:")
        parts.append(f"<p><b>{e(label)}</b> {e(str(finding['cause']))}</p>")
    steps = finding.get("workaround") or []
    if steps:
        label = translate("FindingDetails", "Workaround:")
        parts.append(f"<p><b>{e(label)}</b></p><ol>" + "".join(f"<li>{e(str(s))}</li>" for s in steps) + "</ol>")
    chain = [c for c in finding.get("error_chain") or [] if isinstance(c, dict)]
    if chain:
        label = translate("FindingDetails", "Error chain:")
        parts.append(f"<p><b>{e(label)}</b></p><ul>" + "".join(
            f"<li><code>{e(str(c.get('hex', '')))}</code> {e(str(c.get('text', '')))}</li>" for c in chain) + "</ul>")
        code = sercode(chain)
        if code:
            lookup = translate("FindingDetails", "Acronis error-code lookup")
            parts.append(f"<p>serCode <code>{e(code)}</code> — <a href='{e(errorcode_url(code))}'>{e(lookup)}</a></p>")
    links = kb_links(finding)
    if links:
        label = translate("FindingDetails", "KB articles:")
        parts.append(f"<p><b>{e(label)}</b> " + ", ".join(
            f"<a href='{e(url)}'>KB {e(n)}</a> ({e(url)})" for n, url in links) + "</p>")
    needed = finding.get("information_needed") or []
    if needed:
        label = translate("FindingDetails", "Support will need:")
        parts.append(f"<p><b>{e(label)}</b></p><ul>" + "".join(f"<li>{e(str(i))}</li>" for i in needed) + "</ul>")
    if finding.get("signature"):
        label = translate("FindingDetails", "Signature: %1").replace("%1", str(finding["signature"]))
        parts.append(f"<p><small>{e(label)}</small></p>")
    return "".join(parts)


class TimelineView(QScrollArea):
    """The report's timeline chart (errors and warnings over the time window), drawn from its SVG."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.label = QLabel()
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.label.setAccessibleName(self.tr("Timeline of errors and warnings"))
        self.setWidget(self.label)
        self.svg = ""
        self._pending: dict[str, Any] | None = None

    def set_findings(self, findings: dict[str, Any]) -> None:
        """Drawn when the chart is first shown: a tab nobody opens costs nothing when a run ends."""
        self._pending = findings
        if self.isVisible():
            self._draw_pending()

    def _draw_pending(self) -> None:
        from acronis_triage.app.report_timeline import timeline_svg

        findings, self._pending = self._pending, None
        if findings is not None:
            self.svg = timeline_svg(findings)
            self._render()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self._draw_pending()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self._pending is None:
            self._render()

    def _render(self) -> None:
        if not self.svg:
            self.label.setPixmap(QPixmap())
            self.label.setText(self.tr("Nothing in the analysis has a time."))
            return
        renderer = QSvgRenderer(self.svg.encode("utf-8"))
        size = renderer.defaultSize()
        width = max(self.viewport().width() - 4, 300)
        height = round(width * size.height() / max(size.width(), 1))
        ratio = self.devicePixelRatioF()
        pixmap = QPixmap(QSize(round(width * ratio), round(height * ratio)))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(QColor("#ffffff"))  # the chart's colours are made for a light page, also in a dark theme
        painter = QPainter(pixmap)
        renderer.render(painter, QRectF(0, 0, width, height))
        painter.end()
        self.label.setPixmap(pixmap)


class UnmatchedView(QWidget):
    """Errors and warnings no signature explains, grouped into templates, with their decoded codes.

    Signals:
        openEvidence(str, int): open the example line in the log viewer.
    """

    openEvidence = Signal(str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(4)
        self.tree.setHeaderLabels([self.tr("Level"), self.tr("Error template"), self.tr("Seen"), self.tr("Last")])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setAccessibleName(self.tr("Errors no signature explains"))
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.currentItemChanged.connect(lambda item, _p: self._show(item))
        self.tree.itemActivated.connect(lambda _item, _c: self._open_example())
        self.details = LinkBrowser()
        self.details.setAccessibleName(self.tr("Decoded codes of the error"))
        self.open_button = QPushButton(self.tr("Open the e&xample in the log viewer"))
        self.open_button.clicked.connect(self._open_example)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.details, 1)
        right_layout.addWidget(self.open_button)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.tree)
        splitter.addWidget(right)
        splitter.setSizes([500, 350])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        note = QLabel(self.tr("No signature explains these; their codes are decoded. Check the possibly related "
                              "articles before escalating."))
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addWidget(splitter, 1)
        self._entries: list[dict[str, Any]] = []
        self.filler = SliceFiller(self)
        self._show(None)

    def set_unmatched(self, unmatched: list[dict[str, Any]]) -> None:
        """The first rows at once, the rest in slices (`app.gui.slices`)."""
        self.filler.stop()
        self.tree.clear()
        self._entries = [u for u in unmatched if isinstance(u, dict)]
        self.filler.fill(list(enumerate(self._entries)), self._add)
        if self._entries:
            self.tree.setCurrentItem(self.tree.topLevelItem(0))
        else:
            self._show(None)

    def _add(self, numbered: tuple[int, dict[str, Any]]) -> None:
        index, entry = numbered
        item = QTreeWidgetItem(self.tree)
        level = str(entry.get("level", ""))
        item.setText(0, severity_text(level))
        item.setForeground(0, severity_colour(level))
        item.setText(1, " ".join(str(entry.get("template", "")).split()))
        item.setToolTip(1, str(entry.get("template", "")))
        item.setText(2, str(entry.get("count") or 0))
        item.setText(3, format_time(entry.get("last_seen")))
        item.setData(0, Qt.ItemDataRole.UserRole, index)

    def _entry(self) -> dict[str, Any] | None:
        item = self.tree.currentItem()
        if item is None:
            return None
        return self._entries[int(item.data(0, Qt.ItemDataRole.UserRole))]

    def _show(self, item: QTreeWidgetItem | None) -> None:
        entry = self._entry() if item is not None else None
        self.open_button.setEnabled(bool(entry and isinstance(entry.get("example"), dict)))
        if entry is None:
            self.details.setHtml("")
            return
        e = escape
        parts = [f"<p><code>{e(str(entry.get('template', '')))}</code></p>"]
        codes = entry.get("codes") or []
        if codes:
            parts.append("<ul>")
            for code in codes:
                extra = (" — " + e(self.tr("Acronis prints it as: %1").replace("%1", str(code["message"])))
                         if code.get("message") else "")
                component = f" ({e(str(code['component']))})" if code.get("component") else ""
                parts.append(f"<li>{e(str(code.get('description', '')))}{component}{extra}</li>")
            parts.append("</ul>")
        url = str(entry.get("lookup_url") or "")
        if url.startswith("https://"):
            lookup = self.tr("Acronis error-code lookup")
            parts.append(f"<p><a href='{e(url)}'>{e(lookup)}</a> ({e(url)})</p>")
        example = entry.get("example") if isinstance(entry.get("example"), dict) else None
        if example:
            label = self.tr("Example:")
            parts.append(f"<p><b>{e(label)}</b> {e(str(example.get('file', '')))}:"
                         f"{e(str(example.get('line', '')))}</p><pre>{e(str(example.get('text', '')))}</pre>")
        self.details.setHtml("".join(parts))

    def _open_example(self) -> None:
        entry = self._entry()
        example = entry.get("example") if entry else None
        if isinstance(example, dict) and example.get("file"):
            self.openEvidence.emit(str(example["file"]), int(example.get("line") or 0))


class FindingsStep(QWidget):
    """Signals:
        openEvidence(str, int): open a file at a line (the window knows the bundle it lives in).
    """

    openEvidence = Signal(str, int)

    def __init__(self, checklist: ChecklistModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.checklist = checklist
        self.findings_data: dict[str, Any] = {}
        self.empty = QLabel(self.tr("Nothing analyzed yet. Collect (step 2), open a received bundle (Ctrl+O), "
                                    "analyze a log file (Ctrl+Shift+O), or paste an error on the Problem step."))
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.summary = QLabel()
        self.summary.setWordWrap(True)

        self.list = FindingsView()
        # The KB links are buttons in the details pane; here the title gets the room.
        self.list.setColumnHidden(FindingsView.COL_KB, True)
        self.details = FindingDetails(checklist)
        self.details.openEvidence.connect(self.openEvidence)
        self.list.findingSelected.connect(self.details.show_finding)
        self.list.itemActivated.connect(lambda _item, _column: self.details.evidence.setFocus())
        issues = QSplitter(Qt.Orientation.Horizontal)
        issues.setChildrenCollapsible(False)
        issues.addWidget(self.list)
        issues.addWidget(self.details)
        issues.setSizes([380, 480])

        self.checklist_note = QLabel()
        self.checklist_note.setWordWrap(True)
        self.checklist_view = make_checklist_view(checklist)
        self.checklist_view.setAccessibleName(self.tr("Workaround checklist"))
        checklist_page = QWidget()
        checklist_layout = QVBoxLayout(checklist_page)
        checklist_layout.setContentsMargins(0, 4, 0, 0)
        checklist_layout.addWidget(self.checklist_note)
        checklist_layout.addWidget(self.checklist_view, 1)
        checklist.answersChanged.connect(self._update_checklist_note)

        self.related_label = QLabel(self.tr("Not confirmed: articles that look like the errors no signature "
                                            "explains. Read them before escalating; they are leads, not findings. "
                                            "Enter opens the article."))
        self.related_label.setWordWrap(True)
        self.related = RelatedView()
        related_page = QWidget()
        related_layout = QVBoxLayout(related_page)
        related_layout.setContentsMargins(0, 4, 0, 0)
        related_layout.addWidget(self.related_label)
        related_layout.addWidget(self.related, 1)

        self.unmatched = UnmatchedView()
        self.unmatched.openEvidence.connect(self.openEvidence)
        self.timeline = TimelineView()

        # Confirmed findings and possibly related articles never share a list: each has its own tab.
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.issues_tab = self.tabs.addTab(issues, self.tr("Known issues"))
        self.checklist_tab = self.tabs.addTab(checklist_page, self.tr("Checklist"))
        self.related_tab = self.tabs.addTab(related_page, self.tr("Possibly related"))
        self.unmatched_tab = self.tabs.addTab(self.unmatched, self.tr("Unexplained errors"))
        self.timeline_tab = self.tabs.addTab(self.timeline, self.tr("Timeline"))

        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.addWidget(self.summary)
        content_layout.addWidget(self.tabs, 1)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(content)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)

    @property
    def filling(self) -> bool:
        """Rows are still being added to the lists (in slices, see `app.gui.slices`)."""
        return any(view.filler.busy for view in (self.list, self.related, self.unmatched))

    def clear(self) -> None:
        self.findings_data = {}
        self.list.clear()
        self.details.show_finding(None)
        self.related.clear()
        self.unmatched.set_unmatched([])
        self.timeline.set_findings({})
        self.stack.setCurrentIndex(0)

    def show_findings(self, findings: dict[str, Any], source: str) -> None:
        self.findings_data = findings
        confirmed = [f for f in findings.get("findings") or [] if isinstance(f, dict)]
        related = [r for r in findings.get("related") or [] if isinstance(r, dict)]
        unmatched = [u for u in findings.get("unmatched") or [] if isinstance(u, dict)]
        self.list.set_findings(confirmed)
        self.related.set_related(related)
        self.unmatched.set_unmatched(unmatched)
        self.timeline.set_findings(findings)
        counts: dict[str, int] = {}
        for finding in confirmed:
            severity = str(finding.get("severity", ""))
            counts[severity] = counts.get(severity, 0) + 1
        by_severity = ", ".join(f"{n} {severity_text(s)}" for s, n in counts.items())
        if confirmed:
            text = self.tr("%1: %2 known issues (%3), worst first.").replace("%2", str(len(confirmed))) \
                .replace("%3", by_severity)
        else:
            text = self.tr("%1: no known issue matched.")
        self.summary.setText(text.replace("%1", source))
        self.tabs.setTabText(self.issues_tab, self.tr("Known issues (%1)").replace("%1", str(len(confirmed))))
        self.tabs.setTabText(self.related_tab, self.tr("Possibly related (%1)").replace("%1", str(len(related))))
        self.tabs.setTabText(self.unmatched_tab, self.tr("Unexplained errors (%1)").replace("%1",
                                                                                             str(len(unmatched))))
        self.tabs.setTabVisible(self.related_tab, bool(related))
        self.tabs.setTabVisible(self.unmatched_tab, bool(unmatched))
        self.tabs.setCurrentIndex(self.issues_tab if confirmed or not unmatched else self.unmatched_tab)
        if self.list.topLevelItemCount():
            self.list.setCurrentItem(self.list.topLevelItem(0))
        else:
            self.details.show_finding(None)
        self._update_checklist_note()
        self.stack.setCurrentIndex(1)

    def _update_checklist_note(self) -> None:
        total = self.checklist.rowCount()
        answered = self.checklist.answered()
        self.tabs.setTabText(self.checklist_tab, self.tr("Checklist (%1/%2)").replace("%1", str(answered))
                             .replace("%2", str(total)))
        if total:
            self.checklist_note.setText(self.tr(
                "Answer each step: done (with the result and who did it) or not applicable (with why). F2 or typing "
                "edits a cell. The escalation form takes the answers; %1 of %2 answered.")
                .replace("%1", str(answered)).replace("%2", str(total)))
        else:
            self.checklist_note.setText(self.tr("The findings have no workaround steps."))
