"""Every modal question the window asks, as a function returning plain values (tests replace these)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget


def _tr(text: str) -> str:
    return QCoreApplication.translate("Dialogs", text)


def ask_offline_folder(parent: QWidget | None, start: Path) -> Path | None:
    """The folder of an offline copy of a system (a mounted disk, a copied ProgramData ...), or None."""
    folder = QFileDialog.getExistingDirectory(
        parent, _tr("Choose the folder of an offline system"), str(start))
    return Path(folder) if folder else None


def ask_bundle_path(parent: QWidget | None, suggested: Path) -> Path | None:
    """Where to save the bundle, or None. The dialog itself asks before overwriting a file."""
    path, _filter = QFileDialog.getSaveFileName(
        parent, _tr("Save the support bundle as"), str(suggested), _tr("Zip archives (*.zip)"))
    if not path:
        return None
    chosen = Path(path)
    return chosen if chosen.suffix.lower() == ".zip" else chosen.with_name(chosen.name + ".zip")


def ask_cancel_and_close(parent: QWidget | None) -> bool:
    """True when the user wants to stop a running collection to close the window."""
    answer = QMessageBox.question(
        parent, _tr("A collection is running"),
        _tr("A collection is still running. Cancel it and close the window when the partial bundle is saved?"),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes
