"""Entry point of the window: ``acronis-triage`` without arguments, or ``acronis-triage gui``."""

from __future__ import annotations

import sys

from PySide6.QtCore import QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from acronis_triage.app import __version__
from acronis_triage.app.gui.main_window import MainWindow
from acronis_triage.app.gui.settings import APPLICATION, ORGANIZATION


def _install_translator(app: QApplication) -> None:
    # Every string goes through tr(); a translation for the system's language is used when one is shipped.
    from acronis_triage.resources import resource_path

    translator = QTranslator(app)
    if translator.load(QLocale.system(), "acronis_triage", "_", str(resource_path("translations"))):
        app.installTranslator(translator)


def prepare_application(app: QApplication) -> None:
    """Names (QSettings finds the window's settings by them), version and translation."""
    app.setApplicationName(APPLICATION)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationVersion(__version__)
    _install_translator(app)


def run_gui(argv: list[str], *, quit_after_ms: int | None = None) -> int:
    """Open the main window and run the event loop; returns the exit status. `quit_after_ms` closes it again
    (the portable build's smoke test proves the window opens)."""
    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0] if sys.argv else "acronis-triage", *argv])
    prepare_application(app)  # type: ignore[arg-type]
    from acronis_triage.app.gui.jobs import share_the_interpreter_quickly
    from acronis_triage.app.gui.worker import stop_all

    share_the_interpreter_quickly()

    # A run still going when the application quits (a window closed by the session ending) is ended with it.
    app.aboutToQuit.connect(stop_all)
    window = MainWindow()
    window.show()
    if quit_after_ms is not None:
        from PySide6.QtCore import QTimer

        QTimer.singleShot(max(quit_after_ms, 0), app.quit)
    return app.exec()
