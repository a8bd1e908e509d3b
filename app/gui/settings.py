"""What the window remembers between runs (QSettings), and the Settings dialog.

The partner profile (the same fields as ``acronis-triage escalate --save-profile``), the output folder, the
redaction default, the technician's own keywords to pseudonymise, and the window's geometry. Nothing here goes
into a bundle.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QRect, QSettings
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from acronis_triage.app.escalate import PROFILE_FIELDS
from acronis_triage.app.escalation import FIELDS_BY_KEY
from acronis_triage.app.gui import export_hooks
from acronis_triage.app.gui.data_texts import data_text

ORGANIZATION = "acronis-triage"
APPLICATION = "Acronis Triage"


class AppSettings:
    """Typed access to the window's QSettings. Pass a QSettings of your own (tests, a portable ini file)."""

    def __init__(self, store: QSettings | None = None) -> None:
        self.store = store if store is not None else QSettings(ORGANIZATION, APPLICATION)

    # ---- partner profile

    def partner_profile(self) -> dict[str, str]:
        return {key: str(self.store.value(f"partner/{key}", "") or "") for key in PROFILE_FIELDS
                if self.store.value(f"partner/{key}", "")}

    def set_partner_profile(self, profile: dict[str, str]) -> None:
        for key in PROFILE_FIELDS:
            value = str(profile.get(key) or "").strip()
            if value:
                self.store.setValue(f"partner/{key}", value)
            else:
                self.store.remove(f"partner/{key}")

    # ---- where and how bundles are saved

    def output_folder(self) -> Path | None:
        text = str(self.store.value("export/output_folder", "") or "")
        return Path(text) if text else None

    def set_output_folder(self, folder: Path | None) -> None:
        if folder is None:
            self.store.remove("export/output_folder")
        else:
            self.store.setValue("export/output_folder", str(folder))

    def redaction_level(self) -> str:
        level = str(self.store.value("export/redaction", export_hooks.STANDARD) or export_hooks.STANDARD)
        return level if level in (export_hooks.STANDARD, export_hooks.FULL) else export_hooks.STANDARD

    def set_redaction_level(self, level: str) -> None:
        self.store.setValue("export/redaction", level)

    def keywords(self) -> list[str]:
        text = str(self.store.value("export/keywords", "") or "")
        return [line.strip() for line in text.splitlines() if line.strip()]

    def set_keywords(self, keywords: list[str]) -> None:
        self.store.setValue("export/keywords", "\n".join(k.strip() for k in keywords if k.strip()))

    # ---- the window

    def geometry(self) -> QByteArray | None:
        value = self.store.value("window/geometry")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_geometry(self, geometry: QByteArray) -> None:
        self.store.setValue("window/geometry", geometry)

    def sync(self) -> None:
        self.store.sync()


def clamp_rect(rect: QRect, available: QRect) -> QRect:
    """``rect`` moved and shrunk so that all of it lies inside ``available`` (a screen's free area)."""
    width = min(rect.width(), available.width())
    height = min(rect.height(), available.height())
    left = min(max(rect.left(), available.left()), available.right() - width + 1)
    top = min(max(rect.top(), available.top()), available.bottom() - height + 1)
    return QRect(left, top, width, height)


class SettingsDialog(QDialog):
    """Edit the remembered settings. ``accepted`` means they were saved."""

    def __init__(self, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle(self.tr("Settings"))

        partner = QGroupBox(self.tr("Partner profile (fills the escalation form)"))
        partner_form = QFormLayout(partner)
        self.partner_fields: dict[str, QLineEdit] = {}
        profile = settings.partner_profile()
        for key in PROFILE_FIELDS:
            edit = QLineEdit(profile.get(key, ""))
            label = data_text(FIELDS_BY_KEY[key].label)
            edit.setAccessibleName(label)
            if FIELDS_BY_KEY[key].help:
                edit.setPlaceholderText(data_text(FIELDS_BY_KEY[key].help))
            self.partner_fields[key] = edit
            partner_form.addRow(label + ":", edit)

        export = QGroupBox(self.tr("Bundles"))
        export_form = QFormLayout(export)
        folder = settings.output_folder()
        self.folder_field = QLineEdit(str(folder) if folder else "")
        self.folder_field.setPlaceholderText(self.tr("Documents (the default)"))
        self.folder_field.setAccessibleName(self.tr("Output folder"))
        browse = QPushButton(self.tr("&Browse…"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder_field, 1)
        row.addWidget(browse)
        export_form.addRow(self.tr("Output folder:"), row)
        self.redaction = QComboBox()
        self.redaction.setAccessibleName(self.tr("Redaction default"))
        for level in export_hooks.redaction_levels():
            self.redaction.addItem(redaction_text(level), level)
        index = self.redaction.findData(settings.redaction_level())
        self.redaction.setCurrentIndex(max(index, 0))
        export_form.addRow(self.tr("Redaction:"), self.redaction)
        self.keywords = QPlainTextEdit("\n".join(settings.keywords()))
        self.keywords.setTabChangesFocus(True)
        self.keywords.setAccessibleName(self.tr("Custom keywords, one a line"))
        self.keywords.setPlaceholderText(self.tr("Customer names, project names … one a line"))
        self.keywords.setMaximumHeight(self.fontMetrics().lineSpacing() * 6)
        export_form.addRow(self.tr("Custom keywords:"), self.keywords)
        if not export_hooks.supports(export_hooks.KEYWORDS_FIELDS):
            note = QLabel(self.tr("Kept for full pseudonymisation; this version strips secrets only."))
            note.setWordWrap(True)
            export_form.addRow("", note)

        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.addWidget(partner)
        content_layout.addWidget(export)
        content_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)
        screen = self.screen().availableGeometry() if self.screen() else None
        width, height = 680, 560
        if screen is not None:
            width, height = min(width, screen.width() - 40), min(height, screen.height() - 40)
        self.resize(width, height)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder for new bundles"),
                                                  self.folder_field.text() or str(Path.home()))
        if folder:
            self.folder_field.setText(folder)

    def accept(self) -> None:
        self.settings.set_partner_profile({k: e.text() for k, e in self.partner_fields.items()})
        text = self.folder_field.text().strip()
        self.settings.set_output_folder(Path(text).expanduser() if text else None)
        self.settings.set_redaction_level(str(self.redaction.currentData()))
        self.settings.set_keywords(self.keywords.toPlainText().splitlines())
        self.settings.sync()
        super().accept()


def redaction_text(level: str) -> str:
    from PySide6.QtCore import QCoreApplication

    if level == export_hooks.FULL:
        return QCoreApplication.translate("Redaction", "Secrets stripped and personal data pseudonymised (full)")
    return QCoreApplication.translate("Redaction", "Secrets stripped (passwords, tokens, keys)")
