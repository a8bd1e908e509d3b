"""Entry point of the guided mode: ``acronis-triage gui --guided [--preset NAME] [--case-id ID] [--demo]``."""

from __future__ import annotations

import sys

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtWidgets import QApplication

from acronis_triage.app import __version__
from acronis_triage.app.gui.guided.presets import Preset

TRANSLATIONS_PREFIX = "acronis_triage"


def install_translators(app: QApplication, locale: QLocale | None = None) -> list[QTranslator]:
    """Our translation (resources/translations/acronis_triage_<lang>.qm) and Qt's own (the buttons of message
    boxes and file dialogs) for ``locale`` (default: the system's). Returns the installed translators."""
    from acronis_triage.resources import resource_path

    locale = locale or QLocale.system()
    installed = []
    ours = QTranslator(app)
    if ours.load(locale, TRANSLATIONS_PREFIX, "_", str(resource_path("translations"))):
        app.installTranslator(ours)
        installed.append(ours)
    qt = QTranslator(app)
    if qt.load(locale, "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        installed.append(qt)
    return installed


def run_guided(preset: Preset, *, case_id: str = "", demo: bool = False, quit_after_ms: int | None = None) -> int:
    """Open the guided window and run the event loop; returns the exit status."""
    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0] if sys.argv else "acronis-triage"])
    app.setApplicationName("Acronis Triage")
    app.setOrganizationName("acronis-triage")
    app.setApplicationVersion(__version__)
    install_translators(app)  # type: ignore[arg-type]
    from acronis_triage.app.gui.guided.window import GuidedWindow
    from acronis_triage.app.gui.jobs import share_the_interpreter_quickly
    from acronis_triage.app.gui.worker import stop_all

    share_the_interpreter_quickly()

    # A run still going when the application quits (a window closed by the session ending) is ended with it.
    app.aboutToQuit.connect(stop_all)
    window = GuidedWindow(preset, case_id=case_id, demo=demo)
    window.show()
    if quit_after_ms is not None:
        QTimer.singleShot(max(quit_after_ms, 0), app.quit)
    return app.exec()
