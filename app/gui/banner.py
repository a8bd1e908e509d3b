"""A coloured strip across a step that says something the user must not miss, with an action where one helps."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QPushButton, QStyle, QWidget

from acronis_triage.app.gui.style import is_dark

WARNING, INFO = "warning", "info"

_COLOURS = {  # (light palette, dark palette) backgrounds
    WARNING: ("#fff4d6", "#4a3a12"),
    INFO: ("#e3efff", "#1f3550"),
}


class Banner(QFrame):
    """Hidden until `show_message`. ``button`` is shown only when an action text is given."""

    def __init__(self, kind: str = WARNING, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.icon = QLabel()
        pixmap = QStyle.StandardPixmap.SP_MessageBoxWarning if kind == WARNING else \
            QStyle.StandardPixmap.SP_MessageBoxInformation
        size = self.fontMetrics().height() + 4
        self.icon.setPixmap(QApplication.style().standardIcon(pixmap).pixmap(size, size))
        self.icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.button = QPushButton()
        self.button.setVisible(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.icon)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignVCenter)
        self._paint()
        self.setVisible(False)

    def _paint(self) -> None:
        light, dark = _COLOURS[self.kind]
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor(dark if is_dark() else light))
        self.setPalette(palette)

    def show_message(self, text: str, action: str = "") -> None:
        self.text.setText(text)
        self.setAccessibleName(text)
        self.button.setText(action)
        self.button.setVisible(bool(action))
        self.setVisible(True)
