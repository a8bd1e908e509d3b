"""Step 4, the escalation form: every field of `app.escalation.FIELDS`, editable, with readiness checked live.

Readiness is `app.escalate.readiness` on `app.escalate.complete` (the same check as ``acronis-triage escalate``),
run off the GUI thread a moment after each edit; each missing item is listed and leads to its field. The
partner fields come from the profile in the settings. The form leaves as text (clipboard), HTML or PDF, or is
written beside the bundle like ``escalate`` does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QMarginsF, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QPageLayout, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from acronis_triage.app.escalate import EDITABLE_KINDS, Completed, complete, outputs, readiness, write_outputs
from acronis_triage.app.escalation import FIELDS, SECTIONS, SEVERITY_SCALE
from acronis_triage.app.gui.case import Case
from acronis_triage.app.gui.checklist_model import ChecklistModel
from acronis_triage.app.gui.data_texts import data_text
from acronis_triage.app.gui.jobs import Jobs
from acronis_triage.app.gui.settings import AppSettings
from acronis_triage.app.gui.slices import SliceFiller
from acronis_triage.app.gui.style import state_colour
from acronis_triage.collectors.base import Status

READINESS_DELAY_MS = 150
TARGET_ROLE = Qt.ItemDataRole.UserRole + 1  # what a missing item leads to: ("field", key), ("step", id) ...


def _check(case: Case, answers: dict[str, Any], profile: dict[str, str]) -> tuple[Completed, list[str]]:
    done = complete(case.bundle, answers, profile)
    return done, readiness(done)


class FieldEditor:
    """One editable field: its widget, how to read and write it, and whether a person has set it."""

    def __init__(self, key: str, kind: str, widget: QWidget, choices: tuple[str, ...] = ()) -> None:
        self.key = key
        self.kind = kind
        self.widget = widget
        self.choices = choices
        self.edited = False  # typed into by a person (the problem step no longer writes it)
        self.confirm: QCheckBox | None = None  # for a value the tool proposed

    def value(self) -> Any:
        w = self.widget
        if isinstance(w, QPlainTextEdit):
            return w.toPlainText().strip() or None
        if isinstance(w, QComboBox):
            return w.currentData()
        assert isinstance(w, QLineEdit)
        return w.text().strip() or None

    def set_value(self, value: Any) -> None:
        w = self.widget
        w.blockSignals(True)
        try:
            if isinstance(w, QPlainTextEdit):
                w.setPlainText("" if value is None else str(value))
            elif isinstance(w, QComboBox):
                w.setCurrentIndex(max(w.findData(value), 0))
            else:
                assert isinstance(w, QLineEdit)
                w.setText("" if value is None else str(value))
                w.setCursorPosition(0)
        finally:
            w.blockSignals(False)


class FormStep(QWidget):
    """Signals:
        showChecklist(): the user wants to answer the workaround steps (the Findings step's checklist).
        readinessChanged(bool): ready to send, or not.
    """

    showChecklist = Signal()
    readinessChanged = Signal(bool)

    def __init__(self, checklist: ChecklistModel, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.checklist = checklist
        self.settings = settings
        self.case: Case | None = None
        self.completed: Completed | None = None
        self.missing: list[str] = []
        self.editors: dict[str, FieldEditor] = {}
        self.info_editors: dict[str, tuple[QComboBox, QLineEdit]] = {}
        self._loading = False
        self._jobs = Jobs(self)
        self._jobs.done.connect(self._checked)
        self._jobs.failed.connect(self._check_failed)
        self._info_filler = SliceFiller(self)
        # The first check starts once the window has shown the case (a pool thread running Python makes every
        # call of the GUI thread wait for the interpreter).
        self._base_timer = QTimer(self)
        self._base_timer.setSingleShot(True)
        self._base_timer.setInterval(0)
        self._base_timer.timeout.connect(self._check_base)
        self._base_problem: dict[str, Any] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(READINESS_DELAY_MS)
        self._timer.timeout.connect(self.check_now)
        checklist.answersChanged.connect(self._schedule)

        self.empty = QLabel(self.tr("The escalation form is made from findings: collect (step 2), open a received "
                                    "bundle (Ctrl+O) or analyze a file first."))
        self.empty.setWordWrap(True)

        # ---- readiness and what to do with the form
        self.ready_heading = QLabel()
        font = self.ready_heading.font()
        font.setBold(True)
        self.ready_heading.setFont(font)
        self.ready_heading.setWordWrap(True)
        self.missing_list = QListWidget()
        self.missing_list.setAccessibleName(self.tr("What is missing before the form can be sent"))
        self.missing_list.setWordWrap(True)
        self.missing_list.setSpacing(3)
        self.missing_list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.missing_list.itemActivated.connect(self._go_to_missing)
        missing_label = QLabel(self.tr("&Missing (Enter goes to the field):"))
        missing_label.setBuddy(self.missing_list)
        self.copy_button = QPushButton(self.tr("&Copy as text"))
        self.copy_button.setStatusTip(self.tr("The completed form as plain text, to paste into a ticket or e-mail"))
        self.copy_button.clicked.connect(self.copy_text)
        self.html_button = QPushButton(self.tr("Save H&TML…"))
        self.html_button.clicked.connect(self.save_html)
        self.pdf_button = QPushButton(self.tr("Save P&DF…"))
        self.pdf_button.clicked.connect(self.save_pdf)
        self.beside_button = QPushButton(self.tr("Save &beside the bundle"))
        self.beside_button.setStatusTip(self.tr("BUNDLE.escalation.txt, .md, .html and .json, as `escalate` writes "
                                                "them"))
        self.beside_button.clicked.connect(self.save_beside)
        self.profile_button = QPushButton(self.tr("Save partner details as my &profile"))
        self.profile_button.setStatusTip(self.tr("Kept on this computer (Settings), never put in a bundle"))
        self.profile_button.clicked.connect(self.save_profile)
        self.action_note = QLabel()
        self.action_note.setWordWrap(True)
        self.action_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.ready_heading)
        side_layout.addWidget(missing_label)
        side_layout.addWidget(self.missing_list, 1)
        for button in (self.copy_button, self.html_button, self.pdf_button, self.beside_button, self.profile_button):
            side_layout.addWidget(button)
        side_layout.addWidget(self.action_note)

        # ---- the fields
        form_content = QWidget()
        self.form_layout = QVBoxLayout(form_content)
        self._build_fields()
        self.fields_area = QScrollArea()
        self.fields_area.setWidgetResizable(True)
        self.fields_area.setWidget(form_content)
        self.fields_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.fields_area)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.splitter, 1)
        self.set_case(None, {})

    # ---- building

    def _build_fields(self) -> None:
        for section, title in SECTIONS:
            box = QGroupBox(data_text(title))
            form = QFormLayout(box)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            # Labels above their fields: the labels are long, and a narrow window must not cut them.
            form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
            for spec in (f for f in FIELDS if f.section == section):
                label = QLabel(data_text(spec.label) + (" *" if spec.required else "") + ":")
                if spec.kind in EDITABLE_KINDS:
                    editor = self._editor(spec)
                    label.setBuddy(editor.widget)
                    if spec.help:
                        editor.widget.setToolTip(data_text(spec.help))
                    self.editors[spec.key] = editor
                    if spec.source == "technician":
                        editor.confirm = QCheckBox(self.tr("proposed from the logs: confirm"))
                        editor.confirm.setVisible(False)
                        editor.confirm.setAccessibleName(self.tr("Confirm the proposed %1").replace(
                            "%1", data_text(spec.label)))
                        editor.confirm.toggled.connect(self._schedule)
                        cell = QWidget()
                        cell_layout = QVBoxLayout(cell)
                        cell_layout.setContentsMargins(0, 0, 0, 0)
                        cell_layout.setSpacing(2)
                        cell_layout.addWidget(editor.widget)
                        cell_layout.addWidget(editor.confirm)
                        form.addRow(label, cell)
                    else:
                        form.addRow(label, editor.widget)
                elif spec.key == "checklist":
                    self.checklist_summary = QLabel()
                    self.checklist_summary.setWordWrap(True)
                    go = QPushButton(self.tr("Answer the &steps…"))
                    go.clicked.connect(self.showChecklist)
                    row = QHBoxLayout()
                    row.addWidget(self.checklist_summary, 1)
                    row.addWidget(go)
                    form.addRow(label, row)
                else:
                    value = QLabel()
                    value.setWordWrap(True)
                    value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                    value.setObjectName(f"value_{spec.key}")
                    form.addRow(label, value)
            if section == "troubleshooting":
                self.info_box = QGroupBox(self.tr("Information support will need"))
                self.info_layout = QFormLayout(self.info_box)
                self.info_layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
                form.addRow(self.info_box)
            self.form_layout.addWidget(box)
        self.form_layout.addStretch(1)

    def _editor(self, spec: Any) -> FieldEditor:
        widget: QWidget
        if spec.kind == "multiline":
            text = QPlainTextEdit()
            text.setTabChangesFocus(True)
            text.setMinimumHeight(self.fontMetrics().lineSpacing() * 3)
            text.setMaximumHeight(self.fontMetrics().lineSpacing() * 6)
            text.textChanged.connect(lambda key=spec.key: self._edited(key))
            widget = text
        elif spec.kind in ("choice", "yes_no"):
            combo = QComboBox()
            combo.addItem(self.tr("— choose —"), None)
            if spec.kind == "yes_no":
                combo.addItem(self.tr("yes"), True)
                combo.addItem(self.tr("no"), False)
            elif spec.key == "requested_severity":
                for level, meaning in SEVERITY_SCALE:
                    combo.addItem(f"{level}: {data_text(meaning)}", level)
            else:
                for choice in spec.choices:
                    combo.addItem(data_text(choice), choice)
            combo.currentIndexChanged.connect(lambda _i, key=spec.key: self._edited(key))
            widget = combo
        else:
            line = QLineEdit()
            line.textEdited.connect(lambda _t, key=spec.key: self._edited(key))
            widget = line
        widget.setAccessibleName(data_text(spec.label))
        return FieldEditor(spec.key, spec.kind, widget, spec.choices)

    # ---- the case

    def set_case(self, case: Case | None, problem: dict[str, Any]) -> None:
        self._info_filler.stop()
        self._base_timer.stop()
        self.case = case
        self.completed = None
        self.missing = []
        self.empty.setVisible(case is None)
        self.splitter.setVisible(case is not None)
        for editor in self.editors.values():
            editor.edited = False
        if case is None:
            self._jobs.forget()
            return
        self._loading = True
        self.ready_heading.setText(self.tr("Checking the form…"))
        self._base_problem = problem
        self._base_timer.start()

    def _check_base(self) -> None:
        case, problem = self.case, self._base_problem
        if case is None:
            return
        profile = self.settings.partner_profile()
        self._jobs.submit(lambda: ("base", *_check(case, {}, profile), problem))

    def _fill(self, done: Completed, problem: dict[str, Any]) -> None:
        form = done.form
        for key, editor in self.editors.items():
            editor.set_value(form.values.get(key))
            if editor.confirm is not None:
                proposed = key in form.proposed
                editor.confirm.blockSignals(True)
                editor.confirm.setChecked(False)
                editor.confirm.blockSignals(False)
                editor.confirm.setVisible(proposed)
        for key, text in (("attachments", None), ("errors", None), ("kb_articles", None),
                          ("information_needed", None), ("collector_summary", None)):
            label = self.findChild(QLabel, f"value_{key}")
            if label is not None:
                label.setText(text or _summary(key, form.values.get(key)))
        self._fill_information(done.information, then=lambda: self._filled(problem))

    def _filled(self, problem: dict[str, Any]) -> None:
        self._loading = False
        self.take_problem(problem)
        self.check_now()

    def _fill_information(self, items: list[dict[str, Any]], then: Callable[[], None]) -> None:
        """A row per thing support will need, in slices (`app.gui.slices`): a big run needs 50 and more."""
        while self.info_layout.rowCount():
            self.info_layout.removeRow(0)
        self.info_editors = {}
        self._info_filler.fill(items, self._add_information, then)

    def _add_information(self, item: dict[str, Any]) -> None:
        label = QLabel(item["item"])
        label.setWordWrap(True)
        if item["in_bundle"]:
            state = QLabel(self.tr("in the bundle: %1").replace("%1", ", ".join(item["in_bundle"][:3])))
            state.setWordWrap(True)
            state.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.info_layout.addRow(label, state)
            return
        status = QComboBox()
        status.addItem(self.tr("— missing"), None)
        status.addItem(self.tr("attached separately"), "attached")
        status.addItem(self.tr("not available"), "not_available")
        status.setAccessibleName(self.tr("State of: %1").replace("%1", item["item"]))
        note = QLineEdit()
        note.setPlaceholderText(self.tr("note: which file, or why it cannot be had"))
        note.setAccessibleName(self.tr("Note on: %1").replace("%1", item["item"]))
        status.currentIndexChanged.connect(self._schedule)
        note.textEdited.connect(self._schedule)
        how = QLabel(self.tr("How to get it: %1").replace("%1", item["how"]))
        how.setWordWrap(True)
        how.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QWidget()
        row_layout = QVBoxLayout(row)
        row_layout.setContentsMargins(0, 0, 0, 0)
        line = QHBoxLayout()
        line.addWidget(status)
        line.addWidget(note, 1)
        row_layout.addLayout(line)
        row_layout.addWidget(how)
        label.setBuddy(status)
        self.info_layout.addRow(label, row)
        self.info_editors[item["id"]] = (status, note)

    def take_problem(self, problem: dict[str, Any]) -> None:
        """What the Problem step says, for the fields nobody has typed into here."""
        for key, value in problem.items():
            editor = self.editors.get(key)
            if editor is None or editor.edited:
                continue
            editor.set_value(value)
            if editor.confirm is not None:
                editor.confirm.setVisible(False)
        self._schedule()

    def _edited(self, key: str) -> None:
        if self._loading:
            return
        editor = self.editors[key]
        editor.edited = True
        if editor.confirm is not None:
            editor.confirm.setVisible(False)  # typed by a person: no longer a proposal
        self._schedule()

    # ---- readiness

    def answers(self) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        for key, editor in self.editors.items():
            if editor.confirm is not None and not editor.confirm.isHidden() and not editor.confirm.isChecked():
                continue  # a proposal nobody confirmed stays a proposal
            fields[key] = editor.value()
        information = [{"id": key, "status": status.currentData(), "note": note.text().strip() or None}
                       for key, (status, note) in self.info_editors.items()]
        return {"fields": fields, "checklist": self.checklist.answers(), "information": information}

    def _schedule(self) -> None:
        if self.case is not None and not self._loading:
            self._timer.start()

    def check_now(self) -> None:
        self._timer.stop()
        case = self.case
        if case is None:
            return
        answers = self.answers()
        profile = self.settings.partner_profile()
        self._jobs.submit(lambda: ("check", *_check(case, answers, profile), None))

    @property
    def checking(self) -> bool:
        return self._jobs.busy or self._timer.isActive() or self._base_timer.isActive() or self._loading

    def _checked(self, value: object) -> None:
        kind, done, missing, problem = value  # type: ignore[misc]
        if kind == "base":
            self._fill(done, problem)  # then the first check, once every row is there
            return
        self.completed = done
        self.missing = missing
        self.missing_list.clear()
        for line in missing:
            item = QListWidgetItem(display_line(line))
            item.setToolTip(line)
            item.setData(TARGET_ROLE, _target(line))
            self.missing_list.addItem(item)
        ready = not missing
        if ready:
            self.ready_heading.setText(self.tr("Ready to send: every required field is filled, every step is "
                                               "answered, and what support will need is there or accounted for."))
        else:
            self.ready_heading.setText(self.tr("Not ready: %1 item(s) missing").replace("%1", str(len(missing))))
        colour = state_colour(Status.OK if ready else Status.PARTIAL).name()
        self.ready_heading.setStyleSheet(f"color: {colour};")
        answered, total = self.checklist.answered(), self.checklist.rowCount()
        if hasattr(self, "checklist_summary"):
            self.checklist_summary.setText(self.tr("%1 of %2 steps answered").replace("%1", str(answered))
                                           .replace("%2", str(total)) if total else self.tr("no workaround steps"))
        self.beside_button.setEnabled(self.case is not None and self.case.has_bundle)
        self.readinessChanged.emit(ready)

    def _check_failed(self, summary: str, details: str) -> None:
        self._loading = False
        self.ready_heading.setText(self.tr("The form could not be checked: %1").replace("%1", summary))

    def _go_to_missing(self, item: QListWidgetItem) -> None:
        target = item.data(TARGET_ROLE)
        if not target:
            return
        kind, key = target
        if kind == "field" and key in self.editors:
            widget = self.editors[key].widget
            self.fields_area.ensureWidgetVisible(widget)
            widget.setFocus()
        elif kind == "proposed" and key in self.editors:
            editor = self.editors[key]
            target_widget = editor.confirm if editor.confirm is not None and editor.confirm.isVisible() \
                else editor.widget
            self.fields_area.ensureWidgetVisible(target_widget)
            target_widget.setFocus()
        elif kind == "information" and key in self.info_editors:
            combo = self.info_editors[key][0]
            self.fields_area.ensureWidgetVisible(combo)
            combo.setFocus()
        elif kind == "step":
            self.showChecklist.emit()

    # ---- leaving the window

    def _ready_outputs(self) -> dict[str, str] | None:
        if self.completed is None:
            self.action_note.setText(self.tr("The form is still being checked; try again in a moment."))
            return None
        return outputs(self.completed, self.missing)

    def copy_text(self) -> None:
        texts = self._ready_outputs()
        if texts is not None:
            QGuiApplication.clipboard().setText(texts["txt"])
            self.action_note.setText(self.tr("Copied the form as text (%1 lines).").replace(
                "%1", str(texts["txt"].count("\n"))))

    def _default_path(self, suffix: str) -> Path:
        case = self.case
        base = case.bundle_path if case is not None and case.bundle_path is not None else Path.home() / "form"
        return base.with_name(f"{base.name}.escalation.{suffix}")

    def save_html(self) -> None:
        texts = self._ready_outputs()
        if texts is None:
            return
        path = ask_save_path(self, self.tr("Save the escalation form as HTML"), self._default_path("html"),
                             self.tr("HTML pages (*.html)"))
        if path is not None:
            self._write(path, texts["html"])

    def save_pdf(self) -> None:
        texts = self._ready_outputs()
        if texts is None:
            return
        path = ask_save_path(self, self.tr("Save the escalation form as PDF"), self._default_path("pdf"),
                             self.tr("PDF documents (*.pdf)"))
        if path is None:
            return
        try:
            write_pdf(texts["html"], path)
        except OSError as exc:
            self.action_note.setText(self.tr("Could not write %1: %2").replace("%1", str(path))
                                     .replace("%2", exc.strerror or str(exc)))
            return
        self.action_note.setText(self.tr("Saved %1").replace("%1", str(path)))

    def _write(self, path: Path, text: str) -> None:
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            self.action_note.setText(self.tr("Could not write %1: %2").replace("%1", str(path))
                                     .replace("%2", exc.strerror or str(exc)))
            return
        self.action_note.setText(self.tr("Saved %1").replace("%1", str(path)))

    def save_beside(self) -> None:
        case = self.case
        if case is None or case.bundle_path is None or self.completed is None:
            return
        try:
            written = write_outputs(case.bundle_path, self.completed, self.missing)
        except OSError as exc:
            self.action_note.setText(self.tr("Could not write beside the bundle: %1").replace(
                "%1", exc.strerror or str(exc)))
            return
        self.action_note.setText(self.tr("Written: %1").replace("%1", ", ".join(p.name for p in written)))

    def save_profile(self) -> None:
        from acronis_triage.app.escalate import PROFILE_FIELDS

        profile = {key: str(self.editors[key].value() or "") for key in PROFILE_FIELDS if key in self.editors}
        self.settings.set_partner_profile(profile)
        self.settings.sync()
        self.action_note.setText(self.tr("Partner profile saved on this computer; new forms start with it."))


def write_pdf(html: str, path: Path) -> None:
    """The form's HTML on A4 pages, through Qt's own PDF writer (no browser, no printer needed)."""
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter)
    writer.setTitle("Escalation to Acronis Service Provider Support")  # not translated: the form is for Acronis
    document = QTextDocument()
    document.setHtml(html)
    document.print_(writer)
    del writer  # the file is complete once the writer is gone
    if not path.is_file() or path.stat().st_size == 0:
        raise OSError(f"Qt wrote no PDF at {path}")


def ask_save_path(parent: QWidget, caption: str, suggested: Path, filter_: str) -> Path | None:
    path, _filter = QFileDialog.getSaveFileName(parent, caption, str(suggested), filter_)
    return Path(path) if path else None


def _summary(key: str, value: Any) -> str:
    if not value:
        return QCoreApplication.translate("FormStep", "none")
    if key == "errors":
        return "\n".join(f"• {e['title']} ({e['severity']}, {e['count']}×)" + (f" serCode {e['sercode']}"
                                                                              if e.get("sercode") else "")
                         for e in value)
    if key == "kb_articles":
        return "\n".join(f"• KB {k['number']}: {k['url']}" for k in value)
    return "\n".join(f"• {item}" for item in value)


def display_line(line: str) -> str:
    """A readiness line in the window's words: a field by its label (the CLI names it by its key too)."""
    from acronis_triage.app.escalation import FIELDS_BY_KEY

    head, _, rest = line.partition(" ")
    key = rest.split(" ", 1)[0].rstrip(":")
    spec = FIELDS_BY_KEY.get(key)
    if head == "field" and spec is not None:
        label = data_text(spec.label)
        if ": proposed from the logs as " in line:
            value = line.split(": proposed from the logs as ", 1)[1].split("; confirm it", 1)[0]
            return QCoreApplication.translate("FormStep", "%1: proposed from the logs as %2; confirm or change it") \
                .replace("%1", label).replace("%2", value)
        return f"{label}: {line.rsplit('): ', 1)[-1]}"
    information = re.match(r"information \S+ \((.*?)\): (.*)$", line, re.S)
    if information:
        return f"{information.group(1)}: {information.group(2)}"
    step = re.match(r"step \S+: (.*)$", line, re.S)
    if step:
        return QCoreApplication.translate("FormStep", "Workaround step: %1").replace("%1", step.group(1))
    return line


def _target(line: str) -> tuple[str, str] | None:
    """Where a readiness line leads: its words are `app.escalate.readiness`'s own."""
    head, _, rest = line.partition(" ")
    key = rest.split(" ", 1)[0].rstrip(":")
    if head == "field":
        return ("proposed" if ": proposed from the logs" in line else "field", key)
    if head in ("step", "information"):
        return head, key
    return None
