"""The Findings step: details that can be selected and copied, evidence lines that open the log at that line,
KB links that are never lost when no browser opens, unexplained errors, the timeline."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QApplication

from acronis_triage.app.gui.desktop import CopyFallbackDialog
from acronis_triage.app.gui.main_window import FINDINGS, MainWindow

MakeWindow = Callable[..., MainWindow]
TIMEOUT_MS = 30000


@pytest.fixture
def window(make_main_window: MakeWindow, qtbot: Any, demo_bundle: Path) -> MainWindow:
    window = make_main_window(step=FINDINGS)
    window.open_bundle(demo_bundle)
    # The lists fill in slices after the case is set.
    qtbot.waitUntil(lambda: not window.opening and window.case is not None and not window.filling,
                    timeout=TIMEOUT_MS)
    return window


def test_findings_are_worst_first_with_details_that_can_be_copied(window: MainWindow) -> None:
    step = window.findings_step
    assert window.current_step() == FINDINGS
    severities = [step.list.topLevelItem(i).text(0) for i in range(step.list.topLevelItemCount())]
    assert severities[0] == "critical" and severities == sorted(
        severities, key=["critical", "error", "warning", "info"].index)
    finding = step.list.current_finding()
    assert finding is not None and finding["signature"] == "quota-cloud-storage-exceeded"
    details = step.details.text
    text = details.toPlainText()
    assert finding["title"] in text and finding["cause"] in text and finding["workaround"][0] in text
    # Selectable by mouse and keyboard, reachable by Tab: not a tooltip.
    flags = details.textInteractionFlags()
    assert flags & Qt.TextInteractionFlag.TextSelectableByKeyboard
    assert flags & Qt.TextInteractionFlag.TextSelectableByMouse
    assert details.focusPolicy() & Qt.FocusPolicy.TabFocus
    step.details.copy_details()
    assert finding["cause"] in QGuiApplication.clipboard().text()
    # Another finding, another text.
    step.list.setCurrentItem(step.list.topLevelItem(1))
    assert step.list.current_finding()["title"] in step.details.text.toPlainText()


def test_an_evidence_line_opens_the_log_at_that_line_highlighted(window: MainWindow, qtbot: Any) -> None:
    details = window.findings_step.details
    finding = window.findings_step.list.current_finding()
    evidence = finding["evidence"][0]
    assert details.evidence.count() == len(finding["evidence"])
    details.evidence.setFocus()
    details.evidence.setCurrentRow(0)
    qtbot.keyClick(details.evidence, Qt.Key.Key_Return)
    viewer = window.viewer
    assert viewer is not None and viewer.isVisible()
    qtbot.waitUntil(lambda: viewer.view.loaded is not None, timeout=TIMEOUT_MS)
    view = viewer.view
    assert view.highlighted_line() == evidence["line"]
    assert view.text.textCursor().blockNumber() + view.loaded.first_line == evidence["line"]
    assert view.current_line_text().startswith(evidence["text"][:60])
    assert f"line {evidence['line']} highlighted" in view.header.text()
    view.find_field.setText("storage quota")
    assert view.find_next()


def test_kb_links_open_or_are_shown_to_copy(window: MainWindow, qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    details = window.findings_step.details
    assert [b.text() for b in details.kb_buttons] == ["KB 61674", "KB 59047", "KB 70686"]
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    details.kb_buttons[0].click()
    assert opened == [QUrl("https://kb.acronis.com/content/61674")]
    assert not window.findChildren(CopyFallbackDialog)
    # No browser on this machine: Qt says so on stderr only; the window shows the address to copy.
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: False)
    details.kb_buttons[1].click()
    dialogs = [d for d in QApplication.topLevelWidgets() if isinstance(d, CopyFallbackDialog) and d.isVisible()]
    assert len(dialogs) == 1
    assert dialogs[0].field.text() == "https://kb.acronis.com/content/59047"
    dialogs[0].copy_button.click()
    assert QGuiApplication.clipboard().text() == "https://kb.acronis.com/content/59047"
    dialogs[0].close()
    details.copy_links()
    assert QGuiApplication.clipboard().text().splitlines()[0] == "https://kb.acronis.com/content/61674"


def test_open_folder_without_a_file_manager_shows_the_path(make_main_window: MakeWindow, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from acronis_triage.app.gui.result_panel import ResultPanel

    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: False)
    window = make_main_window()
    panel: ResultPanel = window.result_panel
    panel.bundle = tmp_path / "b.zip"
    panel.open_folder()
    dialogs = [d for d in QApplication.topLevelWidgets() if isinstance(d, CopyFallbackDialog) and d.isVisible()]
    assert dialogs and dialogs[0].field.text() == str(tmp_path)
    assert "folder" in dialogs[0].message.text()
    dialogs[0].close()


def test_unexplained_errors_related_articles_and_the_timeline(window: MainWindow, qtbot: Any) -> None:
    step = window.findings_step
    findings = window.case.findings
    assert step.unmatched.tree.topLevelItemCount() == len(findings["unmatched"])
    assert step.related.topLevelItemCount() == len(findings["related"])
    assert step.tabs.tabText(step.related_tab) == f"Possibly related ({len(findings['related'])})"
    html = step.unmatched.details.toHtml()
    assert "errorcode?ser=" in html
    step.unmatched._open_example()
    qtbot.waitUntil(lambda: window.viewer is not None and window.viewer.view.loaded is not None, timeout=TIMEOUT_MS)
    example = findings["unmatched"][0]["example"]
    assert window.viewer.view.highlighted_line() == example["line"]
    step.tabs.setCurrentIndex(step.timeline_tab)
    pixmap = step.timeline.label.pixmap()
    assert step.timeline.svg.startswith("<svg") and not pixmap.isNull() and pixmap.width() > 100


def test_a_pasted_error_can_become_the_findings(make_main_window: MakeWindow, qtbot: Any) -> None:
    window = make_main_window(step=None)
    paste = window.problem_step.paste
    paste.editor.setPlainText("2026-11-24T08:52:09:205+01:00 8804 E029B13A0: Error 0x29b13a0: The storage quota "
                              "is exceeded. Further backups will fail.")
    qtbot.waitUntil(lambda: paste.last_result is not None, timeout=TIMEOUT_MS)
    assert paste.findings.topLevelItemCount() == 1 and paste.show_button.isEnabled()
    paste.show_button.click()
    assert window.current_step() == FINDINGS
    assert window.findings_step.list.current_finding()["signature"] == "quota-cloud-storage-exceeded"
    assert window.checklist.rowCount() == 3
    # Its evidence is the paste itself: the viewer says where it is instead of failing.
    window.findings_step.details.open_evidence_button.click()
    assert "not a file" in window.viewer.view.header.text()
