"""Step 5, export: where the bundle goes and how (format, redaction with a preview, password, split size), and
what to do with it once written (open its folder, copy its path, open its report).

The bundle is written by the collection itself, so these choices are read when a collection starts. Format,
password, split size, case ID and full pseudonymisation are shown only once `CollectOptions` has them
(`app.gui.export_hooks`); secret stripping is always on and its preview uses the real redactor.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from acronis_triage.app.gui import desktop, export_hooks
from acronis_triage.app.gui.export_hooks import ExportChoices
from acronis_triage.app.gui.settings import redaction_text

# What a preview starts with: the kinds of secret and personal data Acronis logs and settings hold (made up).
SAMPLE_TEXT = """\
Registering at https://eu2-cloud.acronis.com?token=9f8e7d6c5b4a
ProxyPassword=Sup3r-Secret!
<Password>tr0ub4dor&amp;3</Password>
Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln
user CONTOSO\\jsmith, jsmith@contoso.com on SRV-FILE01, 10.1.2.3
"""

PREVIEW_DELAY_MS = 250


def redaction_preview(text: str, level: str) -> tuple[str, int]:
    """The text as the bundle would hold it at ``level``, and how many values were replaced."""
    from acronis_triage.collectors.redact import Redactor

    redactor = Redactor()
    after = redactor.redact_text(text)
    count = redactor.replacements
    if level == export_hooks.FULL:
        hook = _pseudonymiser_preview()
        if hook is not None:
            after, more = hook(after)
            count += more
    return after, count


def _pseudonymiser_preview():  # type: ignore[no-untyped-def]
    """The export work's pseudonymiser, when it offers a preview function: ``preview_text(text) -> (text, n)``."""
    try:
        from acronis_triage.collectors import pseudonym  # type: ignore[attr-defined]
    except ImportError:
        return None
    return getattr(pseudonym, "preview_text", None)


class ExportStep(QWidget):
    """Signals:
        destinationChanged(): the bundle path was edited or chosen.
        browseDestination(): the user asked to choose the bundle path.
    """

    destinationChanged = Signal()
    browseDestination = Signal()

    def __init__(self, default_level: str = export_hooks.STANDARD, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bundle: Path | None = None

        # ---- where
        where = QGroupBox(self.tr("Where"))
        where_form = QFormLayout(where)
        where_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.output_field = QLineEdit()
        self.output_field.setAccessibleName(self.tr("Bundle file"))
        self.output_field.setStatusTip(self.tr("The support bundle to write; you are asked before an existing file "
                                               "is replaced"))
        self.output_field.textEdited.connect(self.destinationChanged)
        self.output_browse = QPushButton(self.tr("B&rowse…"))
        self.output_browse.setStatusTip(self.tr("Choose where to save the bundle"))
        self.output_browse.clicked.connect(self.browseDestination)
        output_label = QLabel(self.tr("Save the next &bundle to:"))
        output_label.setBuddy(self.output_field)
        row = QHBoxLayout()
        row.addWidget(self.output_field, 1)
        row.addWidget(self.output_browse)
        where_form.addRow(output_label, row)

        # ---- how: each control appears only when the pipeline has its option
        how = QGroupBox(self.tr("How"))
        self.how_form = QFormLayout(how)
        self.how_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.format_combo = QComboBox()
        self.format_combo.addItem(self.tr("zip (opens on every Windows)"), "zip")
        self.format_combo.addItem(self.tr("7z (smaller; needs 7-Zip)"), "7z")
        self.format_combo.setAccessibleName(self.tr("Archive format"))
        self.redaction_combo = QComboBox()
        self.redaction_combo.setAccessibleName(self.tr("Redaction level"))
        for level in export_hooks.redaction_levels():
            self.redaction_combo.addItem(redaction_text(level), level)
        self.redaction_combo.setCurrentIndex(max(self.redaction_combo.findData(default_level), 0))
        self.password_field = QLineEdit()
        self.password_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_field.setAccessibleName(self.tr("Password (AES-256)"))
        self.password_field.setPlaceholderText(self.tr("empty: not encrypted"))
        self.password_again = QLineEdit()
        self.password_again.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_again.setAccessibleName(self.tr("Password again"))
        self.split_field = QLineEdit()
        self.split_field.setAccessibleName(self.tr("Split size"))
        self.split_field.setPlaceholderText(self.tr("e.g. 25M for a ticket system's attachment limit; empty: one file"))
        self.case_field = QLineEdit()
        self.case_field.setAccessibleName(self.tr("Case ID"))
        self.case_field.setPlaceholderText(self.tr("the support case number, put in the file name"))
        self._rows: list[tuple[tuple[str, ...], str, QWidget]] = [
            (export_hooks.FORMAT_FIELDS, self.tr("F&ormat:"), self.format_combo),
            (export_hooks.REDACT_FIELDS, self.tr("Re&daction:"), self.redaction_combo),
            (export_hooks.PASSWORD_FIELDS, self.tr("&Password:"), self.password_field),
            (export_hooks.PASSWORD_FIELDS, self.tr("Password &again:"), self.password_again),
            (export_hooks.SPLIT_FIELDS, self.tr("&Split into parts of:"), self.split_field),
            (export_hooks.CASE_ID_FIELDS, self.tr("&Case ID:"), self.case_field),
        ]
        for names, label_text, widget in self._rows:
            label = QLabel(label_text)
            label.setBuddy(widget)
            self.how_form.addRow(label, widget)
            # Redaction is always shown: secret stripping is always on, even when it is the only level.
            shown = export_hooks.supports(names) or names is export_hooks.REDACT_FIELDS
            self.how_form.setRowVisible(widget, shown)
        self.redaction_combo.setEnabled(self.redaction_combo.count() > 1)

        # ---- redaction preview
        preview = QGroupBox(self.tr("Redaction preview (edit the left side, or paste a line from a log)"))
        self.preview_before = QPlainTextEdit(SAMPLE_TEXT)
        self.preview_before.setTabChangesFocus(True)
        self.preview_before.setAccessibleName(self.tr("Text before redaction"))
        self.preview_after = QPlainTextEdit()
        self.preview_after.setReadOnly(True)
        self.preview_after.setTabChangesFocus(True)
        self.preview_after.setAccessibleName(self.tr("Text as the bundle holds it"))
        for edit in (self.preview_before, self.preview_after):
            edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
            edit.setMinimumHeight(self.fontMetrics().lineSpacing() * 4)
        self.preview_counts = QLabel()
        self.preview_counts.setWordWrap(True)
        panes = QSplitter(Qt.Orientation.Horizontal)
        panes.setChildrenCollapsible(False)
        panes.addWidget(self.preview_before)
        panes.addWidget(self.preview_after)
        preview_layout = QVBoxLayout(preview)
        preview_layout.addWidget(panes, 1)
        preview_layout.addWidget(self.preview_counts)
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self.update_preview)
        self.preview_before.textChanged.connect(self._preview_timer.start)
        self.redaction_combo.currentIndexChanged.connect(self._preview_timer.start)

        # ---- the written bundle
        saved = QGroupBox(self.tr("Saved bundle"))
        self.saved_label = QLabel(self.tr("No bundle written yet: the collection (step 2) writes it here."))
        self.saved_label.setWordWrap(True)
        self.saved_path = QLineEdit()
        self.saved_path.setReadOnly(True)
        self.saved_path.setAccessibleName(self.tr("Path of the saved bundle"))
        self.open_folder_button = QPushButton(self.tr("Open fo&lder"))
        self.open_folder_button.clicked.connect(self.open_folder)
        self.copy_path_button = QPushButton(self.tr("Cop&y path"))
        self.copy_path_button.clicked.connect(self.copy_path)
        self.open_report_button = QPushButton(self.tr("Open r&eport"))
        self.open_report_button.setStatusTip(self.tr("The bundle's report.html in the browser"))
        self.open_report_button.clicked.connect(self.open_report)
        actions = QHBoxLayout()
        actions.addWidget(self.saved_path, 1)
        actions.addWidget(self.open_folder_button)
        actions.addWidget(self.copy_path_button)
        actions.addWidget(self.open_report_button)
        saved_layout = QVBoxLayout(saved)
        saved_layout.addWidget(self.saved_label)
        saved_layout.addLayout(actions)

        layout = QVBoxLayout(self)
        layout.addWidget(where)
        layout.addWidget(how)
        layout.addWidget(preview, 1)
        layout.addWidget(saved)
        self.set_bundle(None)
        self._preview_timer.start()  # the redactor loads after the window is on the screen

    # ---- choices

    def output_path(self) -> Path | None:
        text = self.output_field.text().strip()
        return Path(text).expanduser() if text else None

    def choices(self, keywords: list[str]) -> ExportChoices | str:
        """The export options, or the sentence that says what is wrong with them."""
        shown = export_hooks.supports(export_hooks.PASSWORD_FIELDS)
        if shown and self.password_field.text() != self.password_again.text():
            return self.tr("The two passwords differ; type the same password twice.")
        split = self.split_field.text().strip()
        if split and export_hooks.supports(export_hooks.SPLIT_FIELDS) and export_hooks.parse_size(split) is None:
            return self.tr("The split size %1 is not a size; write it like 25M or 100K.").replace("%1", split)
        return ExportChoices(format=str(self.format_combo.currentData()),
                             redact=str(self.redaction_combo.currentData()),
                             password=self.password_field.text() if shown else "",
                             split=split, case_id=self.case_field.text().strip(), keywords=list(keywords))

    def summary(self) -> str:
        level = self.redaction_combo.currentData()
        parts = [self.format_combo.currentData() if export_hooks.supports(export_hooks.FORMAT_FIELDS) else "zip",
                 self.tr("personal data pseudonymised") if level == export_hooks.FULL else self.tr("secrets stripped")]
        if self.password_field.text() and export_hooks.supports(export_hooks.PASSWORD_FIELDS):
            parts.append(self.tr("encrypted"))
        return " · ".join(str(p) for p in parts)

    def update_preview(self) -> None:
        # The sample is small; a pasted log is cut so that the GUI thread never redacts megabytes.
        text = self.preview_before.toPlainText()[:64 * 1024]
        after, count = redaction_preview(text, str(self.redaction_combo.currentData()))
        self.preview_after.setPlainText(after)
        if count:
            self.preview_counts.setText(self.tr("%1 value(s) masked in this text.").replace("%1", str(count)))
        else:
            self.preview_counts.setText(self.tr("Nothing to mask in this text."))
        if self.redaction_combo.currentData() == export_hooks.FULL and _pseudonymiser_preview() is None:
            self.preview_counts.setText(self.preview_counts.text() + " " + self.tr(
                "Pseudonyms for names and addresses are applied when the bundle is written."))

    # ---- the written bundle

    def set_bundle(self, bundle: Path | None) -> None:
        self.bundle = bundle
        self.saved_path.setText(str(bundle) if bundle else "")
        self.saved_path.setCursorPosition(0)
        for button in (self.open_folder_button, self.copy_path_button, self.open_report_button):
            button.setEnabled(bundle is not None)
        if bundle is not None:
            self.saved_label.setText(self.tr("Written and verified. Send it with the escalation form (step 4)."))
        else:
            self.saved_label.setText(self.tr("No bundle written yet: the collection (step 2) writes it."))

    def open_folder(self) -> None:
        if self.bundle is not None:
            desktop.open_path(self, self.bundle.parent if self.bundle.is_file() else self.bundle)

    def copy_path(self) -> None:
        if self.bundle is not None:
            QGuiApplication.clipboard().setText(str(self.bundle))

    def open_report(self) -> None:
        if self.bundle is None:
            return
        try:
            report = extract_report(self.bundle)
        except (OSError, KeyError, zipfile.BadZipFile) as exc:
            self.saved_label.setText(self.tr("The report cannot be opened: %1").replace("%1", str(exc)))
            return
        desktop.open_path(self, report)


def extract_report(bundle: Path) -> Path:
    """report.html of a bundle as a file a browser can open (a folder bundle has it already)."""
    if bundle.is_dir():
        return bundle / "report.html"
    with zipfile.ZipFile(bundle) as archive:
        data = archive.read("report.html")
    folder = Path(tempfile.mkdtemp(prefix="acronis-triage-report-"))
    target = folder / f"{bundle.stem}-report.html"
    target.write_bytes(data)
    return target
