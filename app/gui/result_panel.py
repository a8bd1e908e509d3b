"""What a finished run produced: the exit state in plain words, the bundle, and the findings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from acronis_triage.app.gui import desktop
from acronis_triage.app.gui.style import format_duration, state_colour, state_text
from acronis_triage.app.pipeline import EXIT_INCOMPLETE, EXIT_OK, INCOMPLETE_STATUSES, CollectResult
from acronis_triage.collectors.base import Status
from acronis_triage.collectors.engine import CollectorOutcome

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls

COMPLETE, INCOMPLETE, NOTHING_WRITTEN, NO_PRODUCT = "complete", "incomplete", "nothing_written", "no_product"
PRODUCTS_COLLECTOR = "products"  # the collector that finds Acronis products; not applicable = none found


@dataclass(frozen=True)
class Verdict:
    """A run's end in plain words. ``kind``: complete, incomplete, no_product (complete, but there was no Acronis
    product to collect from) or nothing_written."""

    kind: str
    heading: str
    details: str


def describe_result(result: CollectResult, *, cancelled: bool) -> Verdict:
    counts: dict[str, int] = {}
    for outcome in result.outcomes:
        counts[str(outcome.status)] = counts.get(str(outcome.status), 0) + 1
    findings = (result.findings or {}).get("findings", [])
    summary = translate("ResultPanel", "%1 collectors (%2) · %3 known issues found · %4") \
        .replace("%1", str(len(result.outcomes))) \
        .replace("%2", ", ".join(f"{n} {state_text(s)}" for s, n in sorted(counts.items()))) \
        .replace("%3", str(len(findings))).replace("%4", format_duration(result.seconds))

    if result.bundle is None or result.exit_code not in (EXIT_OK, EXIT_INCOMPLETE):
        return Verdict(NOTHING_WRITTEN, translate("ResultPanel", "Nothing written"),
                       result.reason or translate("ResultPanel", "the run produced no bundle"))

    partial = [o for o in result.outcomes if o.status == Status.PARTIAL]
    failed = [o for o in result.outcomes if o.status in INCOMPLETE_STATUSES and o.status != Status.PARTIAL]
    not_analyzed = (result.findings or {}).get("skipped") or []
    lines = []
    no_product = no_product_reason(result.outcomes)
    # Green only when nothing at all is missing; a partial collector is amber even if an older pipeline said 0.
    if result.exit_code == EXIT_OK and not (partial or failed or not_analyzed or cancelled) and no_product:
        kind, heading = NO_PRODUCT, translate("ResultPanel", "Collected, but no Acronis product was found")
        lines.append(translate("ResultPanel", "The bundle holds the system facts only: %1. Is this the right machine? "
                               "For a copy of a system, choose its folder as an offline source.")
                     .replace("%1", no_product))
    elif result.exit_code == EXIT_OK and not (partial or failed or not_analyzed or cancelled):
        kind, heading = COMPLETE, translate("ResultPanel", "Complete: every collector finished")
    elif cancelled:
        kind, heading = INCOMPLETE, translate("ResultPanel", "Incomplete: cancelled by the user")
        lines.append(translate("ResultPanel", "The bundle is valid and holds what was collected before the cancel."))
    elif failed:
        kind, heading = INCOMPLETE, translate("ResultPanel", "Incomplete: some collectors did not finish")
        lines.append(translate("ResultPanel",
                               "The bundle is valid; the manifest records which collectors failed and why."))
    elif partial:
        kind, heading = INCOMPLETE, translate("ResultPanel", "Incomplete: some things could not be collected")
        lines.append(translate("ResultPanel", "The bundle is valid; the manifest lists what is missing and why."))
    else:
        kind, heading = INCOMPLETE, translate("ResultPanel", "Incomplete: some collected files could not be analyzed")
        lines.append(translate("ResultPanel", "The bundle is valid and holds them; the findings do not cover them."))
    for outcome in failed:
        lines.append(f"• {outcome.title or outcome.name}: {state_text(outcome.status)}"
                     + (f" ({outcome.reason})" if outcome.reason else ""))
    if partial:
        lines.append(translate("ResultPanel", "Collected only in part:"))
        lines.extend(f"• {o.title or o.name}: {o.reason}" for o in partial)
    if not_analyzed:
        lines.append(translate("ResultPanel", "Not analyzed:"))
        lines.extend(f"• {s.get('path')}: {s.get('reason')}" for s in not_analyzed[:10])
        if len(not_analyzed) > 10:
            lines.append(translate("ResultPanel", "• … and %1 more").replace("%1", str(len(not_analyzed) - 10)))
    return Verdict(kind, heading, "\n".join([summary, *lines]))


def no_product_reason(outcomes: list[CollectorOutcome]) -> str:
    """The products collector's reason when it found no Acronis product, else ""."""
    for outcome in outcomes:
        if outcome.name == PRODUCTS_COLLECTOR and outcome.status == Status.NOT_APPLICABLE:
            return outcome.reason or "no Acronis product found"
    return ""


def describe_error(summary: str) -> Verdict:
    return Verdict(NOTHING_WRITTEN, translate("ResultPanel", "Nothing written"),
                   translate("ResultPanel", "The run stopped on an internal error: %1").replace("%1", summary))


_VERDICT_COLOURS = {COMPLETE: Status.OK, INCOMPLETE: Status.PARTIAL, NO_PRODUCT: Status.PARTIAL,
                    NOTHING_WRITTEN: Status.ERROR}


class ResultPanel(QGroupBox):
    """The verdict of the last run: how it ended in plain words, and where the bundle is. Hidden before a run."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Result of the last collection"))
        self.bundle: Path | None = None
        self.verdict: Verdict | None = None

        self.heading = QLabel()
        font = self.heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.heading.setFont(font)
        self.heading.setAccessibleName(self.tr("Exit state"))
        self.heading.setWordWrap(True)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                             | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.error_details = QPlainTextEdit()
        self.error_details.setReadOnly(True)
        self.error_details.setTabChangesFocus(True)
        self.error_details.setAccessibleName(self.tr("What went wrong, for a bug report"))
        self.error_details.setMaximumHeight(self.fontMetrics().lineSpacing() * 8)
        self.error_details.setVisible(False)

        self.path_field = QLineEdit()
        self.path_field.setReadOnly(True)
        self.path_field.setAccessibleName(self.tr("Bundle path"))
        self.open_button = QPushButton(self.tr("Open fo&lder"))
        self.open_button.setStatusTip(self.tr("Show the folder that holds the bundle"))
        self.open_button.clicked.connect(self.open_folder)
        self.copy_button = QPushButton(self.tr("Cop&y path"))
        self.copy_button.setStatusTip(self.tr("Copy the bundle's full path, e.g. to attach it to a ticket"))
        self.copy_button.clicked.connect(self.copy_path)
        self.findings_button = QPushButton(self.tr("Show the finding&s"))
        self.findings_button.setStatusTip(self.tr("The known issues found, their evidence and the checklist"))
        self.path_row = QWidget()
        path_layout = QHBoxLayout(self.path_row)
        path_layout.setContentsMargins(0, 0, 0, 0)
        path_layout.addWidget(QLabel(self.tr("Bundle:")))
        path_layout.addWidget(self.path_field, 1)
        path_layout.addWidget(self.open_button)
        path_layout.addWidget(self.copy_button)
        path_layout.addWidget(self.findings_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.details)
        layout.addWidget(self.error_details)
        layout.addWidget(self.path_row)

    def clear(self) -> None:
        self.bundle = None
        self.verdict = None
        self.heading.clear()
        self.details.clear()
        self.path_field.clear()
        self.error_details.clear()
        self.error_details.setVisible(False)

    def show_result(self, result: CollectResult, *, cancelled: bool) -> None:
        self._show_verdict(describe_result(result, cancelled=cancelled))
        self.bundle = result.bundle
        self.path_row.setVisible(result.bundle is not None)
        self.path_field.setText(str(result.bundle) if result.bundle else "")
        self.path_field.setCursorPosition(0)
        self.error_details.setVisible(False)

    def show_error(self, summary: str, details: str) -> None:
        self._show_verdict(describe_error(summary))
        self.details.setToolTip(details)
        # Selectable and copyable, not only a tooltip: it is what a bug report needs.
        self.error_details.setPlainText(details)
        self.error_details.setVisible(bool(details))
        self.bundle = None
        self.path_row.setVisible(False)

    def _show_verdict(self, verdict: Verdict) -> None:
        self.verdict = verdict
        self.heading.setText(verdict.heading)
        colour = state_colour(_VERDICT_COLOURS[verdict.kind]).name()
        self.heading.setStyleSheet(f"color: {colour};")
        self.details.setText(verdict.details)
        self.details.setToolTip("")

    def open_folder(self) -> None:
        if self.bundle is not None:
            desktop.open_path(self, self.bundle.parent)

    def copy_path(self) -> None:
        if self.bundle is not None:
            QGuiApplication.clipboard().setText(str(self.bundle))
