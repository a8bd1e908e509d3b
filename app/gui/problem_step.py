"""Step 1, the problem: category, symptoms, since when, the time window, and a pasted error analyzed at once.

The category, symptoms and first occurrence go into the escalation form; the time window into the collection.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from acronis_triage.app.escalation import ISSUE_CATEGORIES
from acronis_triage.app.gui.data_texts import data_text
from acronis_triage.app.gui.paste_dialog import PasteAnalysis


class ProblemStep(QWidget):
    """Signals:
        changed(): a value the escalation form takes over was edited.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        intro = QLabel(self.tr("Say what is wrong. The answers go into the escalation form; a pasted error is "
                               "checked against the known issues at once."))
        intro.setWordWrap(True)

        self.category = QComboBox()
        self.category.addItem(self.tr("— choose —"), None)
        for category in ISSUE_CATEGORIES:
            self.category.addItem(data_text(category), category)
        self.category.setAccessibleName(self.tr("Issue category"))
        self.category.currentIndexChanged.connect(self.changed)
        category_label = QLabel(self.tr("&Category:"))
        category_label.setBuddy(self.category)

        self.symptoms = QPlainTextEdit()
        self.symptoms.setTabChangesFocus(True)
        self.symptoms.setAccessibleName(self.tr("Symptoms"))
        self.symptoms.setPlaceholderText(self.tr("What the customer sees: which backups or recoveries fail, "
                                                 "since when, what changed, what was tried"))
        self.symptoms.setMinimumHeight(self.fontMetrics().lineSpacing() * 2)
        self.symptoms.setMaximumHeight(self.fontMetrics().lineSpacing() * 4)
        self.symptoms.textChanged.connect(self.changed)
        symptoms_label = QLabel(self.tr("S&ymptoms:"))
        symptoms_label.setBuddy(self.symptoms)

        self.since = QLineEdit()
        self.since.setAccessibleName(self.tr("First occurrence"))
        self.since.setPlaceholderText(self.tr("e.g. every night since the update on Monday"))
        self.since.textChanged.connect(self.changed)
        since_label = QLabel(self.tr("Since &when:"))
        since_label.setBuddy(self.since)

        self.days_spin = QSpinBox()
        self.days_spin.setRange(1, 3650)
        self.days_spin.setValue(7)
        self.days_spin.setSuffix(self.tr(" days"))
        self.days_spin.setStatusTip(self.tr("Logs older than this are left out of the collection"))
        self.days_spin.setAccessibleName(self.tr("Time window in days"))
        days_label = QLabel(self.tr("&Time window:"))
        days_label.setBuddy(self.days_spin)
        days_row = QHBoxLayout()
        days_row.addWidget(self.days_spin)
        days_row.addWidget(QLabel(self.tr("back from now (logs older than this are left out)")), 1)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(category_label, self.category)
        form.addRow(symptoms_label, self.symptoms)
        form.addRow(since_label, self.since)
        form.addRow(days_label, days_row)

        paste_box = QGroupBox(self.tr("Error message (optional)"))
        self.paste = PasteAnalysis(compact=True)
        paste_label = QLabel(self.tr("&Paste the error the customer sees, from the console, an e-mail or a log:"))
        paste_label.setBuddy(self.paste.editor)
        paste_label.setWordWrap(True)
        paste_layout = QVBoxLayout(paste_box)
        paste_layout.addWidget(paste_label)
        paste_layout.addWidget(self.paste, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(paste_box, 1)

    def answers(self) -> dict[str, Any]:
        """Escalation form fields this step fills: only those the technician gave."""
        out: dict[str, Any] = {}
        if self.category.currentData():
            out["issue_category"] = self.category.currentData()
        if self.symptoms.toPlainText().strip():
            out["description"] = self.symptoms.toPlainText().strip()
        if self.since.text().strip():
            out["first_occurrence"] = self.since.text().strip()
        return out
