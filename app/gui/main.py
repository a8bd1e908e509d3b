"""Entry point of the window: ``acronis-triage`` without arguments, or ``acronis-triage gui``."""

from __future__ import annotations

import sys

from PySide6.QtCore import QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from app import __version__
from app.gui.main_window import MainWindow


def _install_translator(app: QApplication) -> None:
    # Translations come later (ROADMAP); the window already routes every string through tr().
    from resources import resource_path

    translator = QTranslator(app)
    if translator.load(QLocale.system(), "acronis_triage", "_", str(resource_path("translations"))):
        app.installTranslator(translator)


def run_gui(argv: list[str], *, quit_after_ms: int | None = None) -> int:
    """Open the main window and run the event loop; returns the exit status. `quit_after_ms` closes it again
    (the portable build's smoke test proves the window opens)."""
    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0] if sys.argv else "acronis-triage", *argv])
    app.setApplicationName("Acronis Triage")
    app.setOrganizationName("acronis-triage")
    app.setApplicationVersion(__version__)
    _install_translator(app)  # type: ignore[arg-type]
    window = MainWindow()
    window.show()
    if quit_after_ms is not None:
        from PySide6.QtCore import QTimer

        QTimer.singleShot(max(quit_after_ms, 0), app.quit)
    return app.exec()
