"""Every modal question the window asks, as a function returning plain values (tests replace these)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls


def ask_offline_folder(parent: QWidget | None, start: Path) -> Path | None:
    """The folder of an offline copy of a system (a mounted disk, a copied ProgramData ...), or None."""
    folder = QFileDialog.getExistingDirectory(
        parent, translate("Dialogs", "Choose the folder of an offline system"), str(start))
    return Path(folder) if folder else None


def ask_bundle_path(parent: QWidget | None, suggested: Path) -> Path | None:
    """Where to save the bundle, or None. The dialog itself asks before overwriting a file."""
    path, _filter = QFileDialog.getSaveFileName(
        parent, translate("Dialogs", "Save the support bundle as"), str(suggested),
        translate("Dialogs", "Zip archives (*.zip)"))
    if not path:
        return None
    chosen = Path(path)
    return chosen if chosen.suffix.lower() == ".zip" else chosen.with_name(chosen.name + ".zip")


def ask_cancel_and_close(parent: QWidget | None) -> bool:
    """True when the user wants to stop a running collection to close the window."""
    answer = QMessageBox.question(
        parent, translate("Dialogs", "A collection is running"),
        translate("Dialogs", "A collection is still running. Cancel it and close the window when the partial bundle "
                             "is saved?"),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def ask_overwrite(parent: QWidget | None, path: Path) -> bool:
    """True when the user wants the existing bundle at ``path`` replaced."""
    answer = QMessageBox.question(
        parent, QCoreApplication.translate("Dialogs", "Replace the bundle?"),
        QCoreApplication.translate("Dialogs", "%1 already exists. Replace it with the new bundle? (No keeps it; "
                                              "choose another name on the Export step.)").replace("%1", str(path)),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def ask_bundle_to_open(parent: QWidget | None, start: Path) -> Path | None:
    path, _filter = QFileDialog.getOpenFileName(
        parent, QCoreApplication.translate("Dialogs", "Open a received bundle"), str(start),
        QCoreApplication.translate("Dialogs", "Bundles and archives (*.zip *.7z);;All files (*)"))
    return Path(path) if path else None


def ask_file_to_analyze(parent: QWidget | None, start: Path) -> Path | None:
    path, _filter = QFileDialog.getOpenFileName(
        parent, QCoreApplication.translate("Dialogs", "Analyze a log file or archive"), str(start),
        QCoreApplication.translate("Dialogs", "Logs and archives (*.log *.txt *.xml *.json *.gz *.zip *.7z);;"
                                              "All files (*)"))
    return Path(path) if path else None


def ask_folder_to_analyze(parent: QWidget | None, start: Path) -> Path | None:
    folder = QFileDialog.getExistingDirectory(
        parent, QCoreApplication.translate("Dialogs", "Analyze a folder of logs"), str(start))
    return Path(folder) if folder else None


def show_error(parent: QWidget | None, title: str, text: str) -> QMessageBox:
    """A message the user closes; it does not block the caller (the window keeps running)."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Close, parent)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
