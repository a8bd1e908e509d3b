"""How statuses and severities look: words, colours and icons shared by every view."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor, QIcon
from PySide6.QtWidgets import QApplication, QStyle

from collectors.base import Status

# A collector row is "waiting" from its planned event until it starts, then "running" until it finishes.
WAITING = "waiting"
RUNNING = "running"

# Dark enough to read on the light default palettes of Windows, macOS and Fusion.
_STATE_COLOURS = {
    WAITING: "#6b6b6b",
    RUNNING: "#1a5fb4",
    Status.OK: "#1b7f3b",
    Status.PARTIAL: "#9a5b00",
    Status.NOT_APPLICABLE: "#6b6b6b",
    Status.TIMEOUT: "#b3261e",
    Status.ERROR: "#b3261e",
    Status.CANCELLED: "#8a4b00",
}

_STATE_ICONS = {
    RUNNING: QStyle.StandardPixmap.SP_BrowserReload,
    Status.OK: QStyle.StandardPixmap.SP_DialogApplyButton,
    Status.PARTIAL: QStyle.StandardPixmap.SP_MessageBoxWarning,
    Status.NOT_APPLICABLE: QStyle.StandardPixmap.SP_MessageBoxInformation,
    Status.TIMEOUT: QStyle.StandardPixmap.SP_MessageBoxCritical,
    Status.ERROR: QStyle.StandardPixmap.SP_MessageBoxCritical,
    Status.CANCELLED: QStyle.StandardPixmap.SP_DialogCancelButton,
}

SEVERITY_ORDER = ("critical", "error", "warning", "info")
_SEVERITY_COLOURS = {"critical": "#8e0000", "error": "#b3261e", "warning": "#9a5b00", "info": "#1a5fb4"}


def _tr(text: str) -> str:
    return QCoreApplication.translate("Status", text)


def state_text(state: str) -> str:
    """The user-facing word for a row state (waiting, running or a `Status`)."""
    # Literal strings, one per state, so the translation tools can find them.
    words = {
        WAITING: _tr("waiting"),
        RUNNING: _tr("running"),
        Status.OK: _tr("ok"),
        Status.PARTIAL: _tr("partial"),
        Status.NOT_APPLICABLE: _tr("not applicable"),
        Status.TIMEOUT: _tr("timed out"),
        Status.ERROR: _tr("error"),
        Status.CANCELLED: _tr("cancelled"),
    }
    return words.get(state, state)


def state_colour(state: str) -> QColor:
    return QColor(_STATE_COLOURS.get(state, "#000000"))


def state_icon(state: str) -> QIcon:
    pixmap = _STATE_ICONS.get(state)
    app = QApplication.instance()
    if pixmap is None or not isinstance(app, QApplication):
        return QIcon()
    return app.style().standardIcon(pixmap)


def severity_text(severity: str) -> str:
    words = {
        "critical": QCoreApplication.translate("Severity", "critical"),
        "error": QCoreApplication.translate("Severity", "error"),
        "warning": QCoreApplication.translate("Severity", "warning"),
        "info": QCoreApplication.translate("Severity", "info"),
    }
    return words.get(severity, severity)


def severity_colour(severity: str) -> QColor:
    return QColor(_SEVERITY_COLOURS.get(severity, "#000000"))


def severity_rank(severity: str) -> int:
    return SEVERITY_ORDER.index(severity) if severity in SEVERITY_ORDER else len(SEVERITY_ORDER)


def format_duration(seconds: float) -> str:
    if seconds < 10:
        return QCoreApplication.translate("Duration", "%.1f s") % seconds
    if seconds < 120:
        return QCoreApplication.translate("Duration", "%d s") % round(seconds)
    minutes, secs = divmod(round(seconds), 60)
    return QCoreApplication.translate("Duration", "%d min %02d s") % (minutes, secs)
