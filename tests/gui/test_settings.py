"""Settings remembered in QSettings, the window's geometry restored and kept on the screen, and the About box."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect, QSettings
from PySide6.QtGui import QGuiApplication

from acronis_triage.app.gui.main_window import MainWindow
from acronis_triage.app.gui.settings import AppSettings, SettingsDialog, clamp_rect

MakeWindow = Callable[..., MainWindow]


def test_settings_dialog_saves_what_the_window_uses(make_main_window: MakeWindow, qtbot: Any, tmp_path: Path,
                                                    settings_file: Path) -> None:
    window = make_main_window()
    window.open_settings()
    dialog = window.settings_dialog
    assert isinstance(dialog, SettingsDialog) and dialog.isVisible()
    dialog.partner_fields["partner_name"].setText("Example IT")
    dialog.partner_fields["data_center"].setText("EU2")
    dialog.folder_field.setText(str(tmp_path))
    dialog.keywords.setPlainText("Contoso\n\n  Falcon  \n")
    dialog.accept()
    stored = AppSettings(QSettings(str(settings_file), QSettings.Format.IniFormat))
    assert stored.partner_profile() == {"partner_name": "Example IT", "data_center": "EU2"}
    assert stored.output_folder() == tmp_path
    assert stored.keywords() == ["Contoso", "Falcon"]
    # New bundles go to the folder from the settings.
    window.output_field.clear()
    window._refresh_default_output()
    assert window.output_path().parent == tmp_path


def test_geometry_is_restored_and_clamped_to_the_screen(make_main_window: MakeWindow, qtbot: Any,
                                                        settings_file: Path) -> None:
    window = make_main_window()
    window.setGeometry(20, 30, 500, 400)
    window.close()
    again = make_main_window()
    assert (again.width(), again.height()) == (500, 400)
    again.close()
    # Saved on a larger screen, or placed off this one: all of the window comes back onto it.
    again.setGeometry(5000, 4000, 4000, 3000)
    again.settings.set_geometry(again.saveGeometry())
    again.settings.sync()
    third = make_main_window()
    available = third.screen().availableGeometry()
    assert available.contains(third.frameGeometry()), (third.frameGeometry(), available)


@pytest.mark.parametrize(("rect", "expected"), [
    (QRect(100, 100, 400, 300), QRect(100, 100, 400, 300)),
    (QRect(-50, 900, 400, 300), QRect(0, 500, 400, 300)),
    (QRect(0, 0, 3000, 2000), QRect(0, 0, 1024, 800)),
])
def test_clamp_rect(rect: QRect, expected: QRect) -> None:
    assert clamp_rect(rect, QRect(0, 0, 1024, 800)) == expected


def test_about_names_the_versions_and_the_signature_database(make_main_window: MakeWindow) -> None:
    from acronis_triage.analyzers.knowledge import describe
    from acronis_triage.app import __version__

    window = make_main_window()
    window.show_about()
    dialog = window.about_dialog
    text = dialog.text()
    assert f"acronis-triage {__version__}" in text and describe() in text and "Qt / PySide6" in text
    dialog.copy()
    assert QGuiApplication.clipboard().text() == text
    dialog.close()
    window.show_shortcuts()
    assert window.shortcuts_dialog.isVisible()
