"""Paste an error and see at once what it is: confirmed known issues, and the articles it looks like.

The text goes through the same analysis as ``acronis-triage analyze -`` (a paste: flattened console blocks, ``|``
chains, any console language), on a pool thread, a moment after the last keystroke. Confirmed findings and
"possibly related" articles are shown in their own tabs, never mixed. `PasteAnalysis` is the part the Problem
step embeds; `PasteDialog` shows it in a window of its own.
"""

from __future__ import annotations

import io
from html import escape
from typing import Any

from PySide6.QtCore import QThreadPool, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from acronis_triage.app.gui.desktop import LinkBrowser
from acronis_triage.app.gui.findings_view import FindingsView
from acronis_triage.app.gui.jobs import Jobs
from acronis_triage.app.gui.related_view import RelatedView

DEBOUNCE_MS = 400
MAX_PASTE_BYTES = 4 * 2**20  # what analyze reads as a paste; larger text belongs in a file


def analyze_text(text: str) -> dict[str, Any]:
    from acronis_triage.analyzers.analyze import analyze_sources
    from acronis_triage.analyzers.model import LogSource

    data = text.encode("utf-8")[:MAX_PASTE_BYTES]
    return analyze_sources([LogSource("<paste>", lambda: io.BytesIO(data), len(data))]).to_json()


class PasteAnalysis(QWidget):
    """The paste box and its answer.

    Signals:
        analyzed(dict): the analysis of the latest text (findings, related, unmatched).
        showInFindings(dict): the user wants this analysis on the Findings step.
    """

    analyzed = Signal(dict)
    showInFindings = Signal(dict)

    def __init__(self, parent: QWidget | None = None, *, pool: QThreadPool | None = None,
                 compact: bool = False) -> None:
        super().__init__(parent)
        self._jobs = Jobs(self, pool)
        self._jobs.done.connect(self._done)
        self._jobs.failed.connect(self._failed)
        self.last_result: dict[str, Any] | None = None

        self.editor = QPlainTextEdit()
        self.editor.setTabChangesFocus(True)
        self.editor.setAccessibleName(self.tr("Pasted error text"))
        self.editor.setPlaceholderText(self.tr(
            "Paste an error here: a console or e-mail error block (any language), log lines, an alert, a single "
            "message. It is analyzed as you paste."))
        self.status = QLabel(self.tr("Waiting for text."))
        self.status.setWordWrap(True)
        self.findings = FindingsView()
        self.related = RelatedView()
        self.unmatched = LinkBrowser()
        self.unmatched.setAccessibleName(self.tr("Errors no signature explains, with their decoded codes"))
        self.tabs = QTabWidget()
        self.tabs.addTab(self.findings, self.tr("Known issues"))
        self.tabs.addTab(self.related, self.tr("Possibly related"))
        self.tabs.addTab(self.unmatched, self.tr("Decoded errors"))
        self.show_button = QPushButton(self.tr("Show in Fin&dings"))
        self.show_button.setStatusTip(self.tr("Open this analysis on the Findings step: details, evidence, "
                                              "checklist and the escalation form"))
        self.show_button.setEnabled(False)
        self.show_button.clicked.connect(self._show_in_findings)

        status_row = QHBoxLayout()
        status_row.setContentsMargins(0, 0, 0, 0)
        status_row.addWidget(self.status, 1)
        status_row.addWidget(self.show_button)
        results = QWidget()
        results_layout = QVBoxLayout(results)
        results_layout.setContentsMargins(0, 0, 0, 0)
        results_layout.addLayout(status_row)
        results_layout.addWidget(self.tabs, 1)
        self.splitter = QSplitter()
        self.splitter.setOrientation(self.splitter.orientation().Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.editor)
        self.splitter.addWidget(results)
        self.splitter.setSizes([80, 220] if compact else [200, 300])
        line = self.fontMetrics().lineSpacing()
        self.editor.setMinimumHeight(line * 3)
        self.tabs.setMinimumHeight(line * 6)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter, 1)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.analyze_now)
        self.editor.textChanged.connect(self._debounce.start)
        QShortcut(QKeySequence("Ctrl+Return"), self.editor, activated=self.analyze_now)

    def analyze_now(self) -> None:
        self._debounce.stop()
        text = self.editor.toPlainText()
        if not text.strip():
            self._jobs.forget()
            self._show({"findings": [], "related": [], "unmatched": []}, waiting=True)
            return
        self.status.setText(self.tr("Analyzing…"))
        self._jobs.submit(lambda: analyze_text(text))

    def _done(self, result: object) -> None:
        assert isinstance(result, dict)
        self._show(result)
        self.analyzed.emit(result)

    def _failed(self, summary: str, details: str) -> None:
        self.status.setText(self.tr("The analysis failed: %1").replace("%1", summary))
        self.status.setToolTip(details)

    def _show_in_findings(self) -> None:
        if self.last_result is not None:
            self.showInFindings.emit(self.last_result)

    def _show(self, result: dict[str, Any], waiting: bool = False) -> None:
        self.last_result = None if waiting else result
        findings = result.get("findings") or []
        related = result.get("related") or []
        unmatched = result.get("unmatched") or []
        self.findings.set_findings(findings)
        self.related.set_related(related)
        self.unmatched.setHtml(_unmatched_html(unmatched))
        self.tabs.setTabText(0, self.tr("Known issues (%1)").replace("%1", str(len(findings))))
        self.tabs.setTabText(1, self.tr("Possibly related (%1)").replace("%1", str(len(related))))
        self.tabs.setTabText(2, self.tr("Decoded errors (%1)").replace("%1", str(len(unmatched))))
        self.show_button.setEnabled(bool(findings or unmatched))
        if waiting:
            self.status.setText(self.tr("Waiting for text."))
        elif findings:
            self.status.setText(self.tr("Known issue confirmed: %1.")
                                .replace("%1", "; ".join(str(f.get("title")) for f in findings[:3])))
            self.tabs.setCurrentIndex(0)
        elif unmatched:
            self.status.setText(self.tr("No known issue confirmed. The error's codes are decoded, and the articles "
                                        "most like it are listed as possibly related."))
            self.tabs.setCurrentIndex(1 if related else 2)
        else:
            self.status.setText(self.tr("Nothing in this text looks like an error."))
        self.status.setToolTip("")


class PasteDialog(QDialog):
    """Modeless: the technician can keep it open beside the main window."""

    def __init__(self, parent: QWidget | None = None, *, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Analyze a pasted error"))
        self.analysis = PasteAnalysis(pool=pool)
        # The parts tests and callers reach directly.
        self.editor = self.analysis.editor
        self.status = self.analysis.status
        self.findings = self.analysis.findings
        self.related = self.analysis.related
        self.unmatched = self.analysis.unmatched
        self.tabs = self.analysis.tabs
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.analysis, 1)
        layout.addWidget(buttons)
        screen = self.screen().availableGeometry() if self.screen() else None
        width, height = 820, 620
        if screen is not None:
            width, height = min(width, screen.width() - 60), min(height, screen.height() - 80)
        self.resize(width, height)

    @property
    def last_result(self) -> dict[str, Any] | None:
        return self.analysis.last_result

    def analyze_now(self) -> None:
        self.analysis.analyze_now()


def _unmatched_html(unmatched: list[dict[str, Any]]) -> str:
    parts = []
    for u in unmatched:
        parts.append(f"<p><b>{escape(str(u.get('level', '')))}</b> <code>{escape(str(u.get('template', '')))}</code>"
                     "</p><ul>")
        for c in u.get("codes") or []:
            extra = f" — Acronis prints it as: {escape(str(c['message']))}" if c.get("message") else ""
            parts.append(f"<li>{escape(str(c.get('description', '')))}{extra}</li>")
        url = str(u.get("lookup_url") or "")
        if url.startswith("https://"):
            parts.append(f"<li><a href='{escape(url)}'>Acronis error-code lookup</a></li>")
        parts.append("</ul>")
    return "".join(parts)
