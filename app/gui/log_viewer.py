"""A read-only log viewer: line numbers, the evidence line highlighted and scrolled to, find, go to line.

Text is loaded on a pool thread (`app.gui.evidence_text`); a large file is shown as a window of lines around the
line asked for, and the header says which lines are shown.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFontDatabase,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QShortcut,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from acronis_triage.app.gui.evidence_text import EvidenceError, LoadedText, load_text
from acronis_triage.app.gui.jobs import Jobs
from acronis_triage.app.gui.style import is_dark


class _Gutter(QWidget):
    def __init__(self, editor: LineNumberedText) -> None:
        super().__init__(editor)
        self.editor = editor

    def sizeHint(self) -> QSize:
        return QSize(self.editor.gutter_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        self.editor.paint_gutter(event)


class LineNumberedText(QPlainTextEdit):
    """QPlainTextEdit with the file's own line numbers in a gutter (the text may start at line 4,001)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.first_line = 1
        self._gutter = _Gutter(self)
        self.blockCountChanged.connect(self._update_margin)
        self.updateRequest.connect(self._scroll_gutter)
        self._update_margin()

    def gutter_width(self) -> int:
        digits = len(str(self.first_line + max(self.blockCount(), 1)))
        return 10 + self.fontMetrics().horizontalAdvance("9") * digits

    def _update_margin(self) -> None:
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)

    def _scroll_gutter(self, rect: QRect, dy: int) -> None:
        if dy:
            self._gutter.scroll(0, dy)
        else:
            self._gutter.update(0, rect.y(), self._gutter.width(), rect.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        area = self.contentsRect()
        self._gutter.setGeometry(QRect(area.left(), area.top(), self.gutter_width(), area.height()))

    def paint_gutter(self, event: QPaintEvent) -> None:
        painter = QPainter(self._gutter)
        palette = self.palette()
        painter.fillRect(event.rect(), palette.alternateBase())
        painter.setPen(palette.placeholderText().color())
        block = self.firstVisibleBlock()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        height = self.fontMetrics().height()
        while block.isValid() and top <= event.rect().bottom():
            bottom = top + round(self.blockBoundingRect(block).height())
            if block.isVisible() and bottom >= event.rect().top():
                painter.drawText(0, top, self._gutter.width() - 5, height, Qt.AlignmentFlag.AlignRight,
                                 str(self.first_line + block.blockNumber()))
            block = block.next()
            top = bottom
        painter.end()


class LogView(QWidget):
    """Shows one file at a line. ``load(ref, base, line)`` reads it off the GUI thread."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.loaded: LoadedText | None = None
        self._jobs = Jobs(self)
        self._jobs.done.connect(self._show_loaded)
        self._jobs.failed.connect(self._show_failure)

        self.header = QLabel(self.tr("No file shown."))
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text = LineNumberedText()
        self.text.setReadOnly(True)
        self.text.setTabChangesFocus(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                          | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.text.setAccessibleName(self.tr("Log text"))

        self.find_field = QLineEdit()
        self.find_field.setPlaceholderText(self.tr("Find in this file"))
        self.find_field.setAccessibleName(self.tr("Find in this file"))
        self.find_field.setClearButtonEnabled(True)
        self.find_field.returnPressed.connect(self.find_next)
        self.find_next_button = QPushButton(self.tr("Find &next"))
        self.find_next_button.clicked.connect(self.find_next)
        self.line_spin = QSpinBox()
        self.line_spin.setRange(1, 1)
        self.line_spin.setPrefix(self.tr("Line "))
        self.line_spin.setAccessibleName(self.tr("Go to line"))
        self.line_spin.setKeyboardTracking(False)
        self.line_spin.valueChanged.connect(self.go_to_line)
        tools = QHBoxLayout()
        tools.setContentsMargins(0, 0, 0, 0)
        tools.addWidget(self.find_field, 1)
        tools.addWidget(self.find_next_button)
        tools.addWidget(self.line_spin)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addWidget(self.text, 1)
        layout.addLayout(tools)
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.find_field.setFocus,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

    # ---- loading

    def load(self, ref: str, base: Path | None, line: int | None = None) -> None:
        self.header.setText(self.tr("Loading %1 …").replace("%1", ref))
        self._jobs.submit(lambda: load_text(ref, base, line))

    def show_message(self, text: str) -> None:
        self._jobs.forget()
        self.loaded = None
        self.header.setText(text)
        self.text.clear()

    @property
    def busy(self) -> bool:
        return self._jobs.busy

    def show_text(self, loaded: LoadedText) -> None:
        self._show_loaded(loaded)

    def _show_loaded(self, loaded: object) -> None:
        assert isinstance(loaded, LoadedText)
        self.loaded = loaded
        self.text.first_line = loaded.first_line
        self.text.setPlainText(loaded.text)
        self.text._update_margin()
        last = loaded.last_line
        self.line_spin.blockSignals(True)
        self.line_spin.setRange(loaded.first_line, max(last, loaded.first_line))
        self.line_spin.setValue(loaded.line or loaded.first_line)
        self.line_spin.blockSignals(False)
        if loaded.first_line > 1 or loaded.total_lines is None:
            shown = self.tr("%1, lines %2–%3 (the file is larger; the lines around the evidence are shown)") \
                .replace("%1", loaded.name).replace("%2", str(loaded.first_line)).replace("%3", str(last))
        else:
            shown = self.tr("%1, %2 lines").replace("%1", loaded.name).replace("%2", str(loaded.total_lines))
        if loaded.line:
            shown += " · " + self.tr("line %1 highlighted").replace("%1", str(loaded.line))
        self.header.setText(shown)
        self.go_to_line(loaded.line or loaded.first_line, highlight=bool(loaded.line))

    def _show_failure(self, summary: str, details: str) -> None:
        self.loaded = None
        self.text.clear()
        self.header.setText(self.tr("Cannot show the file: %1").replace("%1", summary))

    # ---- moving around

    def go_to_line(self, line: int, highlight: bool = True) -> None:
        if self.loaded is None:
            return
        block = self.text.document().findBlockByNumber(max(line - self.loaded.first_line, 0))
        cursor = QTextCursor(block)
        self.text.setTextCursor(cursor)
        self.text.centerCursor()
        if highlight:
            selection = QTextEdit.ExtraSelection()
            colour = QColor("#7a6a00") if is_dark(self.palette()) else QColor("#fff3a3")
            selection.format.setBackground(colour)
            selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            selection.cursor = QTextCursor(block)
            self.text.setExtraSelections([selection])

    def highlighted_line(self) -> int | None:
        selections = self.text.extraSelections()
        if not selections or self.loaded is None:
            return None
        return self.loaded.first_line + selections[0].cursor.blockNumber()

    def current_line_text(self) -> str:
        return self.text.textCursor().block().text()

    def find_next(self) -> bool:
        needle = self.find_field.text()
        if not needle:
            return False
        found = self.text.find(needle)
        if not found:  # wrap around once
            self.text.moveCursor(QTextCursor.MoveOperation.Start)
            found = self.text.find(needle, QTextDocument.FindFlag(0))
        return found


class LogViewerDialog(QDialog):
    """The log viewer in a window of its own (evidence lines of the findings open here)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Log viewer"))
        self.view = LogView()
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self._fit()

    def _fit(self) -> None:
        screen = self.screen().availableGeometry() if self.screen() else None
        width, height = 900, 600
        if screen is not None:
            width, height = min(width, screen.width() - 60), min(height, screen.height() - 80)
        self.resize(width, height)

    def open_at(self, ref: str, base: Path | None, line: int | None) -> None:
        self.setWindowTitle(self.tr("Log viewer — %1").replace("%1", Path(ref.split("!")[-1]).name))
        self.view.load(ref, base, line)
        self.show()
        self.raise_()
        self.activateWindow()
        self.view.text.setFocus()


__all__ = ["EvidenceError", "LogView", "LogViewerDialog"]
