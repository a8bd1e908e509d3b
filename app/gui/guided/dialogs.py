"""The questions the guided window asks, as functions returning plain values (tests replace these)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget


def ask_save_path(parent: QWidget | None, suggested: Path) -> Path | None:
    """Where to save the file, or None. No overwrite question: saving never replaces a file, it picks a free
    name beside it and says which."""
    path, _filter = QFileDialog.getSaveFileName(
        parent, QCoreApplication.translate("GuidedDialogs", "Save the file as"), str(suggested),
        QCoreApplication.translate("GuidedDialogs", "Zip files (*.zip)"),
        options=QFileDialog.Option.DontConfirmOverwrite)
    if not path:
        return None
    chosen = Path(path)
    return chosen if chosen.suffix.lower() == ".zip" else chosen.with_name(chosen.name + ".zip")


def ask_stop_and_close(parent: QWidget | None) -> bool:
    """True when the user wants to stop the running collection and close the window."""
    answer = QMessageBox.question(
        parent, QCoreApplication.translate("GuidedDialogs", "Still collecting"),
        QCoreApplication.translate("GuidedDialogs", "The information is still being collected. Stop and close "
                                   "the window? Nothing will be saved."),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def ask_close_unsaved(parent: QWidget | None) -> bool:
    """True when the user wants to close although the collected file was never saved."""
    answer = QMessageBox.question(
        parent, QCoreApplication.translate("GuidedDialogs", "The file is not saved"),
        QCoreApplication.translate("GuidedDialogs", "The collected information has not been saved yet and will "
                                   "be lost. Close anyway?"),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def open_folder(folder: Path) -> bool:
    """Show the folder in the file manager; False where no file manager answers (then the window says where)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
