"""The four pages of the guided window, as widgets without logic: the window fills and wires them.

Each page is a scrolled body and a row of buttons that stays visible, so the page works on a 1024×600 screen
and at 150 % scale; every text is plain (no rich text from the machine or a plugin is ever interpreted).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QStyle,
    QVBoxLayout,
    QWidget,
)


def heading(text: str = "", scale: float = 1.5) -> QLabel:
    label = QLabel(text)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(True)
    label.setFont(font)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def paragraph(text: str = "", *, bold: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if bold:
        font = QFont(label.font())
        font.setBold(True)
        label.setFont(font)
    return label


def big_button(text: str) -> QPushButton:
    button = QPushButton(text)
    font = QFont(button.font())
    font.setPointSizeF(font.pointSizeF() * 1.25)
    font.setBold(True)
    button.setFont(font)
    button.setMinimumHeight(button.fontMetrics().height() * 2 + 8)
    button.setMinimumWidth(button.fontMetrics().horizontalAdvance(text) + 48)
    return button


def keyboard_buttons(widget: QWidget) -> None:
    """Enter presses the focused button, as in a dialog (outside a QDialog only Space does by default)."""
    for button in widget.findChildren(QPushButton):
        button.setAutoDefault(True)


def icon_label(pixmap: QStyle.StandardPixmap, parent: QWidget) -> QLabel:
    label = QLabel()
    size = parent.fontMetrics().height() * 2
    label.setPixmap(parent.style().standardIcon(pixmap).pixmap(size, size))
    label.setAlignment(Qt.AlignmentFlag.AlignTop)
    return label


class Notice(QFrame):
    """An icon and a wrapped text in a framed box: the admin-rights note, the result of a run, a save error."""

    def __init__(self, pixmap: QStyle.StandardPixmap = QStyle.StandardPixmap.SP_MessageBoxInformation) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QHBoxLayout(self)
        self.icon = icon_label(pixmap, self)
        self.text = paragraph()
        layout.addWidget(self.icon)
        layout.addWidget(self.text, 1)

    def show_text(self, text: str, pixmap: QStyle.StandardPixmap | None = None) -> None:
        if pixmap is not None:
            size = self.fontMetrics().height() * 2
            self.icon.setPixmap(self.style().standardIcon(pixmap).pixmap(size, size))
        self.text.setText(text)
        self.setAccessibleName(text)
        self.setVisible(True)


class Page(QWidget):
    """A scrolled body above a row of buttons (left: secondary, right: the page's main button)."""

    def __init__(self) -> None:
        super().__init__()
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setSpacing(10)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setWidget(self.body)
        # The scroll area itself takes no Tab stop: Tab goes from control to control, never into a trap.
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.buttons = QHBoxLayout()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll_area, 1)
        layout.addLayout(self.buttons)

    def finish_body(self) -> None:
        self.body_layout.addStretch(1)


class StepBar(QWidget):
    """"1 What is collected › 2 Collecting › 3 Save › 4 Send": where the user is, and how much is left."""

    def __init__(self, names: list[str]) -> None:
        super().__init__()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.labels: list[QLabel] = []
        for i, name in enumerate(names):
            if i:
                arrow = QLabel("›")
                arrow.setEnabled(False)
                layout.addWidget(arrow)
            label = QLabel(f"{i + 1}  {name}")
            label.setTextFormat(Qt.TextFormat.PlainText)
            self.labels.append(label)
            layout.addWidget(label)
        layout.addStretch(1)

    def set_current(self, index: int) -> None:
        for i, label in enumerate(self.labels):
            font = QFont(label.font())
            font.setBold(i == index)
            label.setFont(font)
            # Steps to come are greyed by the palette (light or dark), the current one bold.
            label.setEnabled(i <= index)


class ConsentPage(Page):
    """Step 1: what will be collected and why, then one button to agree and start."""

    def __init__(self) -> None:
        super().__init__()
        self.title = heading()
        self.case = paragraph(bold=True)
        self.intro = paragraph()
        self.what_heading = heading(self.tr("What will be collected"), 1.2)
        self.groups = QWidget()
        self.groups_layout = QVBoxLayout(self.groups)
        self.groups_layout.setContentsMargins(12, 0, 0, 0)
        self.loading = paragraph(self.tr("Looking at this computer…"))
        self.window_text = paragraph()
        self.privacy = paragraph(self.tr(
            "Not collected: your documents, pictures, e-mails and other files of your own. Passwords and keys "
            "that appear in the collected records are removed."))
        self.nothing_sent = paragraph(self.tr(
            "Nothing is sent by this program. The information is saved in one file on this computer; you decide "
            "when to send it to your technician."))
        self.admin_note = Notice(QStyle.StandardPixmap.SP_MessageBoxWarning)
        self.admin_note.setVisible(False)
        self.problem = Notice(QStyle.StandardPixmap.SP_MessageBoxCritical)
        self.problem.setVisible(False)
        self.details_button = QPushButton(self.tr("Show the &technical details"))
        self.details_button.setCheckable(True)
        self.details_button.setAccessibleName(self.tr("Show the technical details"))
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setTabChangesFocus(True)
        self.details.setAccessibleName(self.tr("Technical details: the collectors that will run"))
        self.details.setVisible(False)
        self.details.setMinimumHeight(self.fontMetrics().height() * 8)
        self.details_button.toggled.connect(self.details.setVisible)
        self.collect_button = big_button(self.tr("&Collect"))
        self.collect_button.setAccessibleName(self.tr("Collect"))
        self.collect_button.setAccessibleDescription(self.tr(
            "Agree and start collecting the information listed on this page"))
        self.collect_button.setDefault(True)
        self.collect_button.setEnabled(False)

        for widget in (self.title, self.case, self.intro, self.what_heading, self.loading, self.groups,
                       self.window_text, self.privacy, self.nothing_sent, self.admin_note, self.problem):
            self.body_layout.addWidget(widget)
        details_row = QHBoxLayout()
        details_row.addWidget(self.details_button)
        details_row.addStretch(1)
        self.body_layout.addLayout(details_row)
        self.body_layout.addWidget(self.details)
        self.finish_body()
        self.agree = paragraph(self.tr("By pressing Collect you agree that this information is gathered into a file."))
        self.buttons.addWidget(self.agree, 1)
        self.buttons.addWidget(self.collect_button)

    def add_group(self, what: str, why: str) -> None:
        self.groups_layout.addWidget(paragraph("•  " + what, bold=True))
        why_label = paragraph(why)
        why_label.setContentsMargins(22, 0, 0, 6)
        self.groups_layout.addWidget(why_label)


class CollectPage(Page):
    """Step 2: progress, stop, and an optional box for the user's own words while they wait."""

    def __init__(self) -> None:
        super().__init__()
        self.title = heading(self.tr("Collecting the information…"))
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(True)
        self.progress.setFormat(self.tr("%p%"))
        self.progress.setMinimumHeight(self.fontMetrics().height() * 2)
        self.progress.setAccessibleName(self.tr("Progress"))
        self.now = paragraph()
        self.elapsed = paragraph()
        self.result = Notice()
        self.result.setVisible(False)
        self.note_label = QLabel(self.tr("&What happened? (optional)"))
        self.note_hint = paragraph(self.tr(
            "In your own words: what did you see, and since when? Your technician reads this with the file."))
        self.note = QPlainTextEdit()
        # Tab must leave the box: a text box that swallows Tab traps keyboard users.
        self.note.setTabChangesFocus(True)
        self.note.setPlaceholderText(self.tr(
            "For example: since Monday the backup shows a red error every night. The message said "
            "“Access is denied”."))
        self.note.setAccessibleName(self.tr("What happened (optional)"))
        self.note.setMinimumHeight(self.fontMetrics().height() * 5)
        self.note_label.setBuddy(self.note)
        for widget in (self.title, self.progress, self.now, self.elapsed, self.result, self.note_label,
                       self.note_hint, self.note):
            self.body_layout.addWidget(widget)
        self.finish_body()

        self.stop_button = QPushButton(self.tr("&Stop"))
        self.stop_button.setAccessibleName(self.tr("Stop collecting"))
        self.stop_button.setToolTip(self.tr("Stop now (Esc); what was collected so far is kept"))
        self.again_button = QPushButton(self.tr("Collect &again"))
        self.again_button.setVisible(False)
        self.next_button = big_button(self.tr("&Next"))
        self.next_button.setAccessibleName(self.tr("Next: save the file"))
        self.next_button.setEnabled(False)
        self.buttons.addWidget(self.stop_button)
        self.buttons.addWidget(self.again_button)
        self.buttons.addStretch(1)
        self.buttons.addWidget(self.next_button)


class SavePage(Page):
    """Step 3: save the file on the Desktop, or somewhere else."""

    def __init__(self) -> None:
        super().__init__()
        self.title = heading(self.tr("Save the file"))
        self.explain = paragraph()
        self.file = paragraph(bold=True)
        self.note_state = paragraph()
        self.error = Notice(QStyle.StandardPixmap.SP_MessageBoxCritical)
        self.error.setVisible(False)
        for widget in (self.title, self.explain, self.file, self.note_state, self.error):
            self.body_layout.addWidget(widget)
        self.finish_body()
        self.back_button = QPushButton(self.tr("&Back"))
        self.back_button.setAccessibleName(self.tr("Back to the description of what happened"))
        self.other_button = QPushButton(self.tr("Save somewhere &else…"))
        self.desktop_button = big_button(self.tr("Save to &Desktop"))
        self.desktop_button.setDefault(True)
        self.buttons.addWidget(self.back_button)
        self.buttons.addStretch(1)
        self.buttons.addWidget(self.other_button)
        self.buttons.addWidget(self.desktop_button)


class SendPage(Page):
    """Step 4: what to send, to whom, with which case number."""

    def __init__(self) -> None:
        super().__init__()
        self.title = heading(self.tr("Send the file to your technician"))
        self.saved = paragraph()
        self.path = QLineEdit()
        self.path.setReadOnly(True)
        self.path.setAccessibleName(self.tr("Where the file is saved"))
        self.how_heading = heading(self.tr("How to send it"), 1.2)
        self.steps = paragraph()
        self.send_to = paragraph(bold=True)
        self.size_note = Notice(QStyle.StandardPixmap.SP_MessageBoxWarning)
        self.size_note.setVisible(False)
        self.feedback = paragraph()
        for widget in (self.title, self.saved, self.path, self.how_heading, self.send_to, self.steps,
                       self.size_note, self.feedback):
            self.body_layout.addWidget(widget)
        self.finish_body()
        self.show_button = QPushButton(self.tr("&Show the file"))
        self.show_button.setAccessibleName(self.tr("Show the file in its folder"))
        self.copy_button = QPushButton(self.tr("C&opy the file's location"))
        self.close_button = big_button(self.tr("&Finish"))
        self.close_button.setAccessibleName(self.tr("Finish and close this window"))
        self.close_button.setDefault(True)
        self.buttons.addWidget(self.show_button)
        self.buttons.addWidget(self.copy_button)
        self.buttons.addStretch(1)
        self.buttons.addWidget(self.close_button)
