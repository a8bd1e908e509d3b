"""Opening links, folders and files with the desktop's programs, and what to do when there are none.

``QDesktopServices.openUrl`` returns False where no browser or file manager is registered (a server, a minimal
Linux desktop, a locked-down terminal server); Qt only prints a line on stderr. Here the user then gets a small
window with the address or path, selected, and a Copy button, so the link is never lost.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls


class CopyFallbackDialog(QDialog):
    """Says that nothing could open ``value`` and offers it to copy. Window-modal, not blocking the caller."""

    def __init__(self, parent: QWidget | None, title: str, message: str, value: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("copyFallback")
        self.message = QLabel(message)
        self.message.setWordWrap(True)
        self.field = QLineEdit(value)
        self.field.setReadOnly(True)
        self.field.setAccessibleName(self.tr("Address to copy"))
        self.field.setMinimumWidth(self.fontMetrics().averageCharWidth() * 48)
        self.copy_button = QPushButton(self.tr("&Copy"))
        self.copy_button.setDefault(True)
        self.copy_button.clicked.connect(self.copy)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.field)
        layout.addWidget(buttons)
        self.field.selectAll()
        self.field.setFocus()

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.field.text())
        self.copy_button.setText(self.tr("Copied"))


def _fallback(parent: QWidget | None, title: str, message: str, value: str) -> CopyFallbackDialog:
    dialog = CopyFallbackDialog(parent, title, message, value)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def open_url(parent: QWidget | None, url: str) -> bool:
    """Open a web link in the browser; if none opens, show it to copy. True when the browser took it."""
    if QDesktopServices.openUrl(QUrl(url)):
        return True
    _fallback(parent, translate("Desktop", "No browser"),
              translate("Desktop", "No web browser could be opened on this computer. Copy the address and open it "
                                  "elsewhere:"), url)
    return False


def open_path(parent: QWidget | None, path: Path) -> bool:
    """Show a folder in the file manager, or open a file with its program; if nothing opens, show the path."""
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        return True
    what = (translate("Desktop", "No file manager could be opened on this computer. The folder is:") if path.is_dir()
            else translate("Desktop", "No program could open this file on this computer. The file is:"))
    _fallback(parent, translate("Desktop", "Nothing could open it"), what, str(path))
    return False


class LinkBrowser(QTextBrowser):
    """Read-only rich text whose web links open through `open_url` (with the copy fallback); other links
    (``evidence:``, ``#anchors``) are handed to ``internalLink``. Tab leaves it, like any other field."""

    internalLink = Signal(QUrl)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setTabChangesFocus(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.anchorClicked.connect(self._clicked)

    def _clicked(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https", "mailto"):
            open_url(self, url.toString())
        else:
            self.internalLink.emit(url)
