"""How statuses and severities look: words, colours and icons shared by every view."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QStyle

from acronis_triage.collectors.base import Status

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls

# A collector row is "waiting" from its planned event until it starts, then "running" until it finishes.
WAITING = "waiting"
RUNNING = "running"
# Before any run a row is "idle" (its tick says whether it will run); after one, an unticked row is "not_selected".
IDLE = "idle"
NOT_SELECTED = "not_selected"

# Dark enough to read on the light default palettes of Windows, macOS and Fusion.
_STATE_COLOURS = {
    WAITING: "#6b6b6b",
    NOT_SELECTED: "#6b6b6b",
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

# The same meanings, light enough to read on a dark palette (Windows, macOS or GNOME in dark mode).
_STATE_COLOURS_DARK = {
    WAITING: "#a8a8a8",
    NOT_SELECTED: "#a8a8a8",
    RUNNING: "#7db3ff",
    Status.OK: "#6fd08c",
    Status.PARTIAL: "#f2b84b",
    Status.NOT_APPLICABLE: "#a8a8a8",
    Status.TIMEOUT: "#ff8a80",
    Status.ERROR: "#ff8a80",
    Status.CANCELLED: "#f5a25d",
}

SEVERITY_ORDER = ("critical", "error", "warning", "info")
_SEVERITY_COLOURS = {"critical": "#8e0000", "error": "#b3261e", "warning": "#9a5b00", "info": "#1a5fb4"}
_SEVERITY_COLOURS_DARK = {"critical": "#ff6e6e", "error": "#ff8a80", "warning": "#f2b84b", "info": "#7db3ff"}


def is_dark(palette: QPalette | None = None) -> bool:
    """True when the palette (default: the application's) draws light text on a dark window."""
    if palette is None:
        app = QGuiApplication.instance()
        if not isinstance(app, QGuiApplication):
            return False
        palette = app.palette()
    window, text = palette.color(QPalette.ColorRole.Window), palette.color(QPalette.ColorRole.WindowText)
    return window.lightness() < text.lightness()


def state_text(state: str) -> str:
    """The user-facing word for a row state (waiting, running or a `Status`)."""
    # Literal strings, one per state, so the translation tools can find them.
    words = {
        WAITING: translate("Status", "waiting"),
        RUNNING: translate("Status", "running"),
        IDLE: "",
        NOT_SELECTED: translate("Status", "not chosen"),
        Status.OK: translate("Status", "ok"),
        Status.PARTIAL: translate("Status", "partial"),
        Status.NOT_APPLICABLE: translate("Status", "not applicable"),
        Status.TIMEOUT: translate("Status", "timed out"),
        Status.ERROR: translate("Status", "error"),
        Status.CANCELLED: translate("Status", "cancelled"),
    }
    return words.get(state, state)


def state_colour(state: str) -> QColor:
    colours = _STATE_COLOURS_DARK if is_dark() else _STATE_COLOURS
    return QColor(colours.get(state, "#808080"))


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
    colours = _SEVERITY_COLOURS_DARK if is_dark() else _SEVERITY_COLOURS
    return QColor(colours.get(severity, "#808080"))


def severity_rank(severity: str) -> int:
    return SEVERITY_ORDER.index(severity) if severity in SEVERITY_ORDER else len(SEVERITY_ORDER)


def format_duration(seconds: float) -> str:
    if seconds < 10:
        return QCoreApplication.translate("Duration", "%.1f s") % seconds
    if seconds < 120:
        return QCoreApplication.translate("Duration", "%d s") % round(seconds)
    minutes, secs = divmod(round(seconds), 60)
    return QCoreApplication.translate("Duration", "%d min %02d s") % (minutes, secs)


def format_bytes(size: float) -> str:
    if size >= 2**30:
        return QCoreApplication.translate("Size", "%1 GB").replace("%1", f"{size / 2**30:.1f}")
    if size >= 2**20:
        return QCoreApplication.translate("Size", "%1 MB").replace("%1", f"{size / 2**20:.1f}")
    if size >= 2**10:
        return QCoreApplication.translate("Size", "%1 KB").replace("%1", f"{size / 2**10:.1f}")
    return QCoreApplication.translate("Size", "%1 bytes").replace("%1", str(int(size)))
