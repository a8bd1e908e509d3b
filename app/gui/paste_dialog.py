"""Paste an error and see at once what it is: confirmed known issues, and the articles it looks like.

The text goes through the same analysis as ``acronis-triage analyze -`` (a paste: flattened console blocks, ``|``
chains, any console language), on a pool thread, a moment after the last keystroke. Confirmed findings and
"possibly related" articles are shown in their own tabs, never mixed.
"""

from __future__ import annotations

import io
import traceback
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.gui.findings_view import FindingsView
from app.gui.related_view import RelatedView

DEBOUNCE_MS = 400
MAX_PASTE_BYTES = 4 * 2**20  # what analyze reads as a paste; larger text belongs in a file


class _Signals(QObject):
    done = Signal(int, object)  # request number, analysis JSON
    failed = Signal(int, str)


class _AnalyzeJob(QRunnable):
    def __init__(self, number: int, text: str) -> None:
        super().__init__()
        self.number = number
        self.text = text
        self.signals = _Signals()

    def run(self) -> None:
        try:
            from analyzers.analyze import analyze_sources
            from analyzers.model import LogSource

            data = self.text.encode("utf-8")[:MAX_PASTE_BYTES]
            result = analyze_sources([LogSource("<paste>", lambda: io.BytesIO(data), len(data))])
            self.signals.done.emit(self.number, result.to_json())
        except Exception as exc:  # noqa: BLE001 - a failed analysis must reach the dialog, not die on a pool thread
            self.signals.failed.emit(self.number, f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}")


class PasteDialog(QDialog):
    """Modeless: the technician can keep it open beside the main window."""

    def __init__(self, parent: QWidget | None = None, *, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Analyze a pasted error"))
        self._pool = pool or QThreadPool.globalInstance()
        self._requests = 0
        self._jobs: dict[int, _AnalyzeJob] = {}
        self.last_result: dict[str, Any] | None = None

        self.editor = QPlainTextEdit()
        self.editor.setAccessibleName(self.tr("Pasted error text"))
        self.editor.setPlaceholderText(self.tr(
            "Paste an error here: a console or e-mail error block (any language), log lines, an alert, a single "
            "message. It is analyzed as you paste."))
        self.status = QLabel(self.tr("Waiting for text."))
        self.status.setWordWrap(True)
        self.findings = FindingsView()
        self.related = RelatedView()
        self.unmatched = QTextBrowser()
        self.unmatched.setOpenExternalLinks(True)
        self.unmatched.setAccessibleName(self.tr("Errors no signature explains, with their decoded codes"))
        self.tabs = QTabWidget()
        self.tabs.addTab(self.findings, self.tr("Known issues"))
        self.tabs.addTab(self.related, self.tr("Possibly related"))
        self.tabs.addTab(self.unmatched, self.tr("Decoded errors"))

        splitter = QSplitter()
        splitter.setOrientation(splitter.orientation().Vertical)
        splitter.addWidget(self.editor)
        results = QWidget()
        results_layout = QVBoxLayout(results)
        results_layout.setContentsMargins(0, 0, 0, 0)
        results_layout.addWidget(self.status)
        results_layout.addWidget(self.tabs, 1)
        splitter.addWidget(results)
        splitter.setSizes([200, 300])

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)
        self.resize(820, 620)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.analyze_now)
        self.editor.textChanged.connect(self._debounce.start)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.analyze_now)

    def analyze_now(self) -> None:
        self._debounce.stop()
        text = self.editor.toPlainText()
        self._requests += 1
        if not text.strip():
            self._show({"findings": [], "related": [], "unmatched": []}, waiting=True)
            return
        self.status.setText(self.tr("Analyzing…"))
        job = _AnalyzeJob(self._requests, text)
        job.setAutoDelete(False)
        job.signals.done.connect(self._done)
        job.signals.failed.connect(self._failed)
        self._jobs[job.number] = job
        self._pool.start(job)

    def _done(self, number: int, result: dict[str, Any]) -> None:
        self._jobs.pop(number, None)
        if number == self._requests:  # an older answer to text that has changed since is dropped
            self._show(result)

    def _failed(self, number: int, details: str) -> None:
        self._jobs.pop(number, None)
        if number == self._requests:
            self.status.setText(self.tr("The analysis failed: %1").replace("%1", details.splitlines()[0]))
            self.status.setToolTip(details)

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
        if waiting:
            self.status.setText(self.tr("Waiting for text."))
        elif findings:
            self.status.setText(self.tr("Known issue confirmed: %1. Hover a row for the cause and the workaround.")
                                .replace("%1", "; ".join(str(f.get("title")) for f in findings[:3])))
            self.tabs.setCurrentIndex(0)
        elif unmatched:
            self.status.setText(self.tr("No known issue confirmed. The error's codes are decoded, and the articles "
                                        "most like it are listed as possibly related."))
            self.tabs.setCurrentIndex(1 if related else 2)
        else:
            self.status.setText(self.tr("Nothing in this text looks like an error."))
        self.status.setToolTip("")


def _unmatched_html(unmatched: list[dict[str, Any]]) -> str:
    from html import escape

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
