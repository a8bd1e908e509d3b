"""The back-office view: a received bundle opened from the menu or dropped on the window, its files, manifest
and form; anything else that can be analyzed is analyzed; what cannot be opened is said."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from acronis_triage.app.gui import case as cases
from acronis_triage.app.gui.main_window import CONTENTS, FINDINGS, MainWindow

MakeWindow = Callable[..., MainWindow]
TIMEOUT_MS = 30000


def wait_opened(qtbot: Any, window: MainWindow) -> None:
    # The lists fill in slices after the case is set.
    qtbot.waitUntil(lambda: not window.opening and window.case is not None and not window.filling,
                    timeout=TIMEOUT_MS)


def test_open_from_the_menu_shows_findings_contents_and_form(make_main_window: MakeWindow, qtbot: Any,
                                                             demo_bundle: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (str(demo_bundle), ""))
    window = make_main_window(step=None)
    qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    wait_opened(qtbot, window)
    case = window.case
    assert case.kind == cases.RECEIVED and case.bundle_path == demo_bundle
    assert window.current_step() == FINDINGS
    assert window.windowTitle() == f"Acronis Triage — {demo_bundle.name}"
    with zipfile.ZipFile(demo_bundle) as archive:
        members = set(archive.namelist())
    contents = window.contents_step
    window.go_to(CONTENTS)
    listed = {item.data(0, Qt.ItemDataRole.UserRole + 1) for item in contents.files.findItems(
        "*", Qt.MatchFlag.MatchWildcard | Qt.MatchFlag.MatchRecursive)} - {None}
    assert listed == members
    assert "SRV-FILE01" in contents.manifest.toPlainText()
    assert "Acronis Cyber Protect Cloud" in contents.manifest.toPlainText()
    assert contents.collectors.topLevelItemCount() == len(case.manifest["collectors"])
    member = "collected/acronis_logs/ProgramData/Acronis/BackupAndRecovery/MMS/mms.0.log"
    assert contents.select_file(member)
    qtbot.waitUntil(lambda: contents.viewer.loaded is not None, timeout=TIMEOUT_MS)
    with zipfile.ZipFile(demo_bundle) as archive:
        first_line = archive.read(member).decode("utf-8").splitlines()[0]
    assert contents.viewer.text.toPlainText().splitlines()[0] == first_line
    # The form of a received bundle is the form of that bundle.
    assert window.form_step.case is case


def test_a_bundle_dropped_on_the_window_is_opened(make_main_window: MakeWindow, qtbot: Any, demo_bundle: Path) -> None:
    window = make_main_window(step=None)
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(demo_bundle))])
    try:  # PySide6 6.12 takes a QPointF (its QPoint form is deprecated); 6.11 only a QPoint
        enter = QDragEnterEvent(QPointF(10, 10), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton,
                                Qt.KeyboardModifier.NoModifier)
    except TypeError:
        enter = QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton,
                                Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, drop)
    wait_opened(qtbot, window)
    assert window.case.kind == cases.RECEIVED and window.case.title == demo_bundle.name


def test_a_log_file_or_a_foreign_zip_is_analyzed(make_main_window: MakeWindow, qtbot: Any, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "mms.log"
    log.write_text("2026-11-24T08:52:09:205+01:00 8804 E029B13A0: Error 0x29b13a0: The storage quota is exceeded. "
                   "Further backups will fail.\n", encoding="utf-8")
    report = tmp_path / "sysinfo.zip"
    with zipfile.ZipFile(report, "w") as archive:
        archive.write(log, "logs/mms.log")
    window = make_main_window(step=None)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (str(log), ""))
    window.ask_analyze_file()
    wait_opened(qtbot, window)
    assert window.case.kind == cases.ANALYSIS
    assert [f["signature"] for f in window.case.findings["findings"]] == ["quota-cloud-storage-exceeded"]
    assert window.contents_step.stack.currentIndex() == 0  # no bundle, no contents
    # The evidence of an analyzed file opens the file itself.
    window.findings_step.details.open_evidence_button.click()
    qtbot.waitUntil(lambda: window.viewer.view.loaded is not None, timeout=TIMEOUT_MS)
    assert window.viewer.view.highlighted_line() == 1
    # A zip that is not one of our bundles (an Acronis system report) is analyzed, not refused.
    window.case = None
    window.open_bundle(report)
    wait_opened(qtbot, window)
    assert window.case.kind == cases.ANALYSIS and window.case.findings["findings"]
    window.findings_step.details.open_evidence_button.click()
    view = window.viewer.view
    qtbot.waitUntil(lambda: view.loaded is not None and "sysinfo.zip!" in view.header.text(), timeout=TIMEOUT_MS)


def test_what_cannot_be_opened_is_said(make_main_window: MakeWindow, qtbot: Any, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "open", lambda self: shown.append(self.text()))
    window = make_main_window(step=None)
    window.open_bundle(tmp_path / "missing.zip")
    qtbot.waitUntil(lambda: bool(shown), timeout=TIMEOUT_MS)
    assert "missing.zip" in shown[0]
    assert window.case is None
    assert "Cannot open it" in window.statusBar().currentMessage()
