"""The Collect step's banners (no Acronis product, not administrator), progress in bytes and time, the dark
palette, and the entry to the guided mode."""

from __future__ import annotations

import importlib.machinery
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget
from sample_collectors import NotesCollector, SlowCollector

from acronis_triage.app.gui import elevate
from acronis_triage.app.gui import main_window as main_window_module
from acronis_triage.app.gui.main_window import MainWindow
from acronis_triage.app.gui.result_panel import NO_PRODUCT
from acronis_triage.collectors.builtin.products import Products

MakeWindow = Callable[..., MainWindow]
TIMEOUT_MS = 30000


def test_no_acronis_product_is_a_banner_even_when_the_row_is_hidden(make_main_window: MakeWindow, qtbot: Any,
                                                                     tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "linux-copy"
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "os-release").write_text('PRETTY_NAME="Debian GNU/Linux 12"\n', encoding="utf-8")
    window = make_main_window(collectors=[Products, NotesCollector])
    window.offline_field.setText(str(root))
    window.offline_radio.click()
    window.output_field.setText(str(tmp_path / "b.zip"))
    window.start()
    qtbot.waitUntil(lambda: not window.running and window.result_panel.isVisible(), timeout=TIMEOUT_MS)
    assert window.hide_na_check.isChecked()
    shown = [window.model.rows()[window.visible_rows.mapToSource(window.visible_rows.index(i, 0)).row()].name
             for i in range(window.visible_rows.rowCount())]
    assert "products" not in shown  # the row is hidden, and still the user is told
    banner = window.collect_step.product_banner
    assert banner.isVisible() and "No Acronis product was found" in banner.text.text()
    assert window.result_panel.verdict.kind == NO_PRODUCT
    monkeypatch.setattr(main_window_module.dialogs, "ask_offline_folder", lambda parent, start: None)
    banner.button.click()  # leads to choosing the offline folder


def test_not_administrator_is_a_banner_with_a_restart(make_main_window: MakeWindow, qtbot: Any,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import acronis_triage.collectors.context

    monkeypatch.setattr(acronis_triage.collectors.context, "running_elevated", lambda: False)
    monkeypatch.setattr(main_window_module, "host_os", lambda: "windows")
    monkeypatch.setattr(elevate, "can_restart_elevated", lambda: True)
    asked: list[bool] = []
    monkeypatch.setattr(elevate, "restart_elevated", lambda: asked.append(True))
    window = make_main_window()
    banner = window.collect_step.admin_banner
    assert banner.isVisible()
    assert "VSS writers and providers" in banner.text.text() and "Filter drivers" in banner.text.text()
    assert banner.button.isVisible() and banner.button.text() == "Restart as &administrator"
    banner.button.click()
    assert asked == [True]
    window.demo_radio.click()  # a copy of a system needs no rights
    assert not banner.isVisible()
    monkeypatch.setattr(elevate, "can_restart_elevated", lambda: False)
    window.live_radio.click()
    assert banner.isVisible() and not banner.button.isVisible()
    assert elevate.manual_command() in banner.text.text()


def test_progress_says_bytes_written_and_time(make_main_window: MakeWindow, qtbot: Any, bundle_path: Path) -> None:
    window = make_main_window(collectors=[SlowCollector])
    window.demo_radio.click()
    window.output_field.setText(str(bundle_path))
    window.start()
    qtbot.waitUntil(lambda: window._part_path is not None and any(
        r.fraction is not None for r in window.model.rows()), timeout=TIMEOUT_MS)
    window._run_started -= 5  # as if it had run for five seconds
    window.progress.setValue(400)
    window._on_tick()
    detail = window.collect_step.progress_detail.text()
    assert "written" in detail and "left" in detail
    row = next(i for i, r in enumerate(window.model.rows()) if r.name == "test_slow")
    from acronis_triage.app.gui.collector_model import FractionRole

    assert window.model.index(row, 3).data(FractionRole) is not None  # drawn as a bar in its row
    window.cancel()
    qtbot.waitUntil(lambda: not window.running, timeout=TIMEOUT_MS)


def test_colours_follow_a_dark_palette(qapp: QApplication) -> None:
    from acronis_triage.app.gui.style import is_dark, severity_colour, state_colour
    from acronis_triage.collectors.base import Status

    light = state_colour(Status.OK), severity_colour("critical")
    original = qapp.palette()
    dark = QPalette(original)
    dark.setColor(QPalette.ColorRole.Window, QColor("#202020"))
    dark.setColor(QPalette.ColorRole.WindowText, QColor("#f0f0f0"))
    qapp.setPalette(dark)
    try:
        assert is_dark()
        for colour in (state_colour(Status.OK), severity_colour("critical"), state_colour(Status.PARTIAL)):
            assert colour.lightness() > 110, colour.name()  # readable on the dark window
        assert (state_colour(Status.OK), severity_colour("critical")) != light
    finally:
        qapp.setPalette(original)
    assert not is_dark()


def test_the_guided_mode_is_offered_only_when_installed(make_main_window: MakeWindow,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(main_window_module, "guided_available", lambda: False)
    window = make_main_window()
    assert not window.guided_action.isVisible()
    window.close()

    # The guided package as the guided work provides it: presets, and a window made from one.
    made: list[tuple[Any, str, bool]] = []

    class GuidedWindow(QWidget):
        def __init__(self, preset: Any, *, case_id: str = "", demo: bool = False) -> None:
            super().__init__()
            made.append((preset, case_id, demo))

    package = types.ModuleType("acronis_triage.app.gui.guided")
    package.__spec__ = importlib.machinery.ModuleSpec("acronis_triage.app.gui.guided", None, is_package=True)
    window_module = types.ModuleType("acronis_triage.app.gui.guided.window")
    window_module.GuidedWindow = GuidedWindow
    presets = types.ModuleType("acronis_triage.app.gui.guided.presets")
    presets.DEFAULT_PRESET = "general"
    presets.load_preset = lambda name: f"preset {name}"
    monkeypatch.undo()  # the real check, finding the package now
    for name, module in (("acronis_triage.app.gui.guided", package),
                         ("acronis_triage.app.gui.guided.window", window_module),
                         ("acronis_triage.app.gui.guided.presets", presets)):
        monkeypatch.setitem(sys.modules, name, module)
    window = make_main_window()
    assert window.guided_action.isVisible()
    window.demo_radio.click()
    window.guided_action.trigger()
    assert made == [("preset general", "", True)]
    assert window.guided_window.isVisible()
    window.guided_window.close()
