"""The main window: choices, a real run with the table and the result panel, cancel, errors, closing."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QAbstractButton, QFileDialog, QLabel
from sample_collectors import AbsentCollector, CrashingCollector, NotesCollector, SlowCollector

from acronis_triage.app.gui import main_window as main_window_module
from acronis_triage.app.gui.collector_model import CollectorTableModel, StateRole
from acronis_triage.app.gui.main_window import (
    COLLECT,
    FINDINGS,
    PROBLEM,
    SOURCE_DEMO,
    SOURCE_LIVE,
    SOURCE_OFFLINE,
    MainWindow,
)
from acronis_triage.app.gui.result_panel import COMPLETE, INCOMPLETE, NOTHING_WRITTEN
from acronis_triage.app.pipeline import EXIT_NOTHING_WRITTEN, CollectOptions, CollectResult
from acronis_triage.collectors.base import Collector, Status
from acronis_triage.collectors.cancel import CancelToken
from acronis_triage.collectors.context import Context

TIMEOUT_MS = 30000
MakeWindow = Callable[..., MainWindow]


def click_start(qtbot: Any, window: MainWindow) -> None:
    qtbot.mouseClick(window.start_button, Qt.MouseButton.LeftButton)


def wait_done(qtbot: Any, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.running and window.result_panel.isVisible(), timeout=TIMEOUT_MS)


def wait_slow_collecting(qtbot: Any, window: MainWindow) -> None:
    # Its first progress report comes after its first file is written.
    qtbot.waitUntil(lambda: any(r.name == "test_slow" and r.fraction is not None for r in window.model.rows()),
                    timeout=TIMEOUT_MS)


def states(window: MainWindow) -> dict[str, str]:
    """How each collector of the last run ended (rows listed but not run are left out)."""
    model = window.model
    return {row.name: model.data(model.index(i, CollectorTableModel.COL_STATUS), StateRole)
            for i, row in enumerate(model.rows()) if row.in_run}


def test_idle_window(make_main_window: MakeWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(Path, "home", lambda: tmp_path)
    window = make_main_window(step=None)
    assert window.windowTitle() == "Acronis Triage"
    assert window.current_step() == PROBLEM and window.problem_step.isVisible()
    window.go_to(COLLECT)
    assert window.source() == SOURCE_LIVE
    assert window.days_spin.value() == 7
    assert window.start_button.isEnabled() and window.start_button.isDefault()
    assert not window.cancel_button.isEnabled()
    assert window.start_action.shortcut().toString() == "Ctrl+R"
    assert not window.offline_field.isVisible()
    assert not window.result_panel.isVisible()
    output = window.output_path()
    assert output is not None and output.parent == tmp_path
    assert re.fullmatch(r"acronis-triage-.+-\d{8}T\d{6}Z\.zip", output.name)


def test_demo_source_names_the_default_bundle(make_main_window: MakeWindow, qtbot: Any) -> None:
    window = make_main_window()
    qtbot.mouseClick(window.demo_radio, Qt.MouseButton.LeftButton)
    assert window.source() == SOURCE_DEMO
    assert window.output_path().name.startswith("acronis-triage-offline-demo-")
    options = window.options()
    assert isinstance(options, CollectOptions) and options.demo and options.root is None


def test_browse_for_the_bundle_keeps_the_choice(make_main_window: MakeWindow, qtbot: Any,
                                                monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    asked: list[str] = []

    def fake_save(parent: Any, caption: str, directory: str, filter_: str) -> tuple[str, str]:
        asked.append(directory)
        return str(tmp_path / "ticket-4711"), "Zip archives (*.zip)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake_save)
    window = make_main_window()
    qtbot.mouseClick(window.output_browse, Qt.MouseButton.LeftButton)
    assert asked and asked[0].endswith(".zip")
    assert window.output_path() == tmp_path / "ticket-4711.zip"
    qtbot.mouseClick(window.demo_radio, Qt.MouseButton.LeftButton)
    assert window.output_path() == tmp_path / "ticket-4711.zip"


def test_offline_folder_is_asked_for_and_required(make_main_window: MakeWindow, qtbot: Any,
                                                  monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    answers = iter(["", str(tmp_path)])
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args: next(answers))
    window = make_main_window()
    qtbot.mouseClick(window.offline_radio, Qt.MouseButton.LeftButton)
    assert window.source() == SOURCE_OFFLINE and window.offline_field.isVisible()
    assert window.offline_field.text() == ""
    click_start(qtbot, window)
    assert not window.running
    assert "offline system" in window.status_line.text()
    qtbot.mouseClick(window.offline_browse, Qt.MouseButton.LeftButton)
    assert window.offline_field.text() == str(tmp_path)
    assert window.output_path().name.startswith(f"acronis-triage-offline-{tmp_path.name}-")


def test_output_in_a_missing_folder_is_refused_before_starting(make_main_window: MakeWindow, qtbot: Any,
                                                               tmp_path: Path) -> None:
    window = make_main_window()
    window.output_field.setText(str(tmp_path / "missing" / "b.zip"))
    click_start(qtbot, window)
    assert not window.running
    assert "does not exist" in window.status_line.text()


def test_a_run_fills_the_table_and_ends_with_a_verdict(make_main_window: MakeWindow, qtbot: Any,
                                                      bundle_path: Path) -> None:
    window = make_main_window(collectors=[NotesCollector, CrashingCollector, AbsentCollector])
    window.demo_radio.setChecked(True)
    window.output_field.setText(str(bundle_path))
    click_start(qtbot, window)
    assert window.running
    assert not window.start_button.isEnabled() and window.cancel_button.isEnabled()
    assert not window.output_field.isEnabled()
    wait_done(qtbot, window)

    assert states(window) == {"test_notes": Status.OK, "test_crash": Status.ERROR,
                              "test_absent": Status.NOT_APPLICABLE}
    crash_row = next(r for r in window.model.rows() if r.name == "test_crash")
    assert crash_row.reason == "RuntimeError: the disk caught fire"
    assert window.hide_na_check.isChecked() and window.hide_na_check.text().endswith("(1)")
    assert window.table.model().rowCount() == 2
    window.hide_na_check.click()
    assert window.table.model().rowCount() == 3
    assert window.start_button.isEnabled() and not window.cancel_button.isEnabled()
    assert window.output_field.isEnabled()
    assert window.result_panel.verdict is not None


def test_a_full_run_shows_the_incomplete_bundle(make_main_window: MakeWindow, qtbot: Any, bundle_path: Path,
                                                monkeypatch: pytest.MonkeyPatch, full_pipeline: None) -> None:
    window = make_main_window(collectors=[NotesCollector, CrashingCollector, AbsentCollector])
    window.demo_radio.setChecked(True)
    window.output_field.setText(str(bundle_path))
    click_start(qtbot, window)
    wait_done(qtbot, window)

    panel = window.result_panel
    assert panel.verdict.kind == INCOMPLETE
    assert "Crashing collector: error (RuntimeError: the disk caught fire)" in panel.details.text()
    assert panel.path_field.text() == str(bundle_path)
    assert bundle_path.is_file()
    assert window.progress.value() == window.progress.maximum()

    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    panel.open_button.click()
    assert opened == [QUrl.fromLocalFile(str(bundle_path.parent))]
    panel.copy_button.click()
    assert QGuiApplication.clipboard().text() == str(bundle_path)
    assert window.output_path() == bundle_path  # a path the user chose is never renamed


def test_escape_cancels_and_the_rows_say_so(make_main_window: MakeWindow, qtbot: Any, bundle_path: Path) -> None:
    window = make_main_window(collectors=[SlowCollector])
    window.demo_radio.setChecked(True)
    window.output_field.setText(str(bundle_path))
    click_start(qtbot, window)
    wait_slow_collecting(qtbot, window)
    assert window.status_line.text() == "Collecting: Slow collector"
    assert window.progress.format() == "0 of 1 collectors done"
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert window.worker is not None and window.worker.cancelled
    assert not window.cancel_button.isEnabled()
    assert "Cancelling" in window.status_line.text()
    wait_done(qtbot, window)
    assert states(window) == {"test_slow": Status.CANCELLED}


def test_cancel_leaves_a_partial_bundle_and_says_so(make_main_window: MakeWindow, qtbot: Any, bundle_path: Path,
                                                    full_pipeline: None) -> None:
    window = make_main_window(collectors=[SlowCollector, NotesCollector])
    window.demo_radio.setChecked(True)
    window.output_field.setText(str(bundle_path))
    click_start(qtbot, window)
    wait_slow_collecting(qtbot, window)
    qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)
    wait_done(qtbot, window)

    panel = window.result_panel
    assert panel.verdict.kind == INCOMPLETE
    assert panel.verdict.heading == "Incomplete: cancelled by the user"
    assert "Slow collector: cancelled (cancelled by the user)" in panel.details.text()
    with zipfile.ZipFile(bundle_path) as archive:
        assert "collected/test_slow/before_cancel.txt" in archive.namelist()


def test_the_demo_run_lists_findings_with_kb_links(make_main_window: MakeWindow, qtbot: Any, bundle_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch, full_pipeline: None) -> None:
    window = make_main_window()
    qtbot.mouseClick(window.demo_radio, Qt.MouseButton.LeftButton)
    window.output_field.setText(str(bundle_path))
    click_start(qtbot, window)
    wait_done(qtbot, window)

    panel = window.result_panel
    assert panel.verdict.kind in (COMPLETE, INCOMPLETE)
    findings = window.last_result.findings["findings"]
    assert findings, "the demo machine has known problems"
    qtbot.mouseClick(panel.findings_button, Qt.MouseButton.LeftButton)
    assert window.current_step() == FINDINGS
    qtbot.waitUntil(lambda: not window.filling, timeout=TIMEOUT_MS)
    view = window.findings_step.list
    assert view.topLevelItemCount() == len(findings)
    with_kb = [i for i in range(len(findings)) if view.kb_label(i) is not None]
    assert with_kb
    label = view.kb_label(with_kb[0])
    url = re.search(r'href="([^"]+)"', label.text()).group(1)
    assert url.startswith("https://kb.acronis.com/content/")
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda u: opened.append(u) or True)
    label.linkActivated.emit(url)
    assert opened == [QUrl(url)]


def test_nothing_written_shows_the_one_line_reason(make_main_window: MakeWindow, qtbot: Any, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args: str(empty))
    window = make_main_window(collectors=[NotesCollector])
    qtbot.mouseClick(window.offline_radio, Qt.MouseButton.LeftButton)
    window.output_field.setText(str(tmp_path / "b.zip"))
    click_start(qtbot, window)
    wait_done(qtbot, window)
    panel = window.result_panel
    assert panel.verdict.kind == NOTHING_WRITTEN
    assert "cannot tell which system" in panel.details.text()
    assert not panel.path_row.isVisible()
    assert not (tmp_path / "b.zip").exists()


def test_an_internal_error_is_shown_and_no_row_keeps_running(make_main_window: MakeWindow, qtbot: Any,
                                                              bundle_path: Path) -> None:
    def broken(options: CollectOptions, *, on_event: Any, **kwargs: Any) -> CollectResult:
        from acronis_triage.collectors.engine import EngineEvent

        on_event(EngineEvent("planned", "stuck", "Stuck"))
        on_event(EngineEvent("started", "stuck", "Stuck"))
        raise KeyError("no such thing")

    window = make_main_window(run=broken)
    window.output_field.setText(str(bundle_path))
    click_start(qtbot, window)
    wait_done(qtbot, window)
    assert window.result_panel.verdict.kind == NOTHING_WRITTEN
    assert "KeyError: 'no such thing'" in window.result_panel.details.text()
    assert states(window) == {"stuck": Status.CANCELLED}
    assert window.start_button.isEnabled()


def test_closing_during_a_run_cancels_first(make_main_window: MakeWindow, qtbot: Any, bundle_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[bool] = []
    monkeypatch.setattr(main_window_module.dialogs, "ask_cancel_and_close",
                        lambda parent: asked.append(True) or True)
    window = make_main_window(collectors=[SlowCollector])
    window.demo_radio.setChecked(True)
    window.output_field.setText(str(bundle_path))
    click_start(qtbot, window)
    wait_slow_collecting(qtbot, window)
    window.close()
    assert asked == [True]
    assert window.isVisible() and window.worker is not None and window.worker.cancelled
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=TIMEOUT_MS)
    assert window.worker is None


def test_closing_during_a_run_can_be_declined(make_main_window: MakeWindow, qtbot: Any, bundle_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(main_window_module.dialogs, "ask_cancel_and_close", lambda parent: False)
    window = make_main_window(collectors=[SlowCollector])
    window.demo_radio.setChecked(True)
    window.output_field.setText(str(bundle_path))
    click_start(qtbot, window)
    wait_slow_collecting(qtbot, window)
    window.close()
    assert window.isVisible() and not window.worker.cancelled
    window.cancel()
    wait_done(qtbot, window)


def test_run_gui_shows_the_window_and_returns_the_loop_status(qapp: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QApplication

    from acronis_triage.app.gui.main import run_gui

    seen: list[str] = []

    def fake_exec() -> int:
        seen.extend(w.windowTitle() for w in QApplication.topLevelWidgets()
                    if isinstance(w, MainWindow) and w.isVisible())
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow):
                widget.close()
        return 3

    monkeypatch.setattr(qapp, "exec", fake_exec)
    assert run_gui([]) == 3
    assert seen == ["Acronis Triage"]
    assert qapp.applicationName() == "Acronis Triage"


# ---- the slow collectors' option


class LiveSlowCollector(Collector):
    """Slow and live-only, like Acronis's own system report."""

    name = "test_live_slow"
    title = "Vendor system report"
    description = "Runs the vendor's report tool."
    platforms = ("windows", "linux")
    needs_live = True
    needs_admin = True
    expected_duration_s = 90.0
    tags = ("slow",)

    def collect(self, ctx: Context) -> None:
        ctx.writer.add_text("report.txt", "report\n", source="test")


class MacSlowCollector(LiveSlowCollector):
    name = "test_mac_slow"
    title = "Mac profile"
    platforms = ("darwin",)
    expected_duration_s = 20.0


class FileSlowCollector(LiveSlowCollector):
    """Slow but reads files only, so it runs on copies of a system too."""

    name = "test_file_slow"
    title = "Deep file scan"
    platforms = ("windows",)
    needs_live = False
    needs_admin = False
    expected_duration_s = 900.0


SLOW_SAMPLES = [NotesCollector, LiveSlowCollector, MacSlowCollector, FileSlowCollector]


def listed(window: MainWindow) -> set[str]:
    return {cls.name for cls in window.slow_option.listed()}


@pytest.mark.parametrize("host", ["windows", "linux", "darwin"])
def test_the_slow_option_lists_the_discovered_slow_collectors_of_the_host(
        make_main_window: MakeWindow, monkeypatch: pytest.MonkeyPatch, host: str) -> None:
    monkeypatch.setattr(main_window_module, "host_os", lambda: host)
    window = make_main_window()
    names = listed(window)
    assert names
    assert all("slow" in cls.tags and host in cls.platforms for cls in window.slow_option.listed())
    assert ("acronis_sysinfo" in names) == (host != "darwin")
    assert ("macos_profiler" in names) == (host == "darwin")
    option = window.slow_option
    assert option.isEnabled() and option.isChecked()
    assert option.text().startswith("&Include ")
    if host != "darwin":
        assert "Acronis system report (acrocmd sysinfo): about 5 minutes" in option.text()
    assert "Also runs" in option.statusTip()
    options = window.options()
    assert isinstance(options, CollectOptions) and options.include_slow


def test_the_slow_option_has_a_mnemonic_of_its_own(make_main_window: MakeWindow) -> None:
    # Under Xvfb Alt+I toggles it; the offscreen platform delivers no mnemonics, so uniqueness is checked here.
    window = make_main_window()
    page = window.collect_step
    texts = [w.text() for w in page.findChildren(QAbstractButton) + page.findChildren(QLabel)]
    mnemonics = [QKeySequence.mnemonic(t).toString() for t in texts if QKeySequence.mnemonic(t).toString()]
    assert QKeySequence.mnemonic(window.slow_option.text()).toString() == "Alt+I"
    assert mnemonics.count("Alt+I") == 1


def test_the_slow_option_names_each_collector_with_its_duration(make_main_window: MakeWindow,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(main_window_module, "host_os", lambda: "windows")
    window = make_main_window(collectors=SLOW_SAMPLES)
    assert window.slow_option.listed() == (LiveSlowCollector, FileSlowCollector)
    assert window.slow_option.text() == ("&Include Vendor system report: about 1 minute 30 seconds; "
                                         "Deep file scan: about 15 minutes")
    tip = window.slow_option.toolTip()
    assert "Runs the vendor&#x27;s report tool." in tip and "Needs administrator rights." in tip


@pytest.mark.parametrize(("seconds", "words"), [
    (0.2, "about 1 second"), (20, "about 20 seconds"), (60, "about 1 minute"), (61, "about 1 minute 1 second"),
    (90, "about 1 minute 30 seconds"), (300, "about 5 minutes"), (630, "about 10 minutes"),
    (900, "about 15 minutes"),
])
def test_durations_in_plain_words(make_main_window: MakeWindow, seconds: float, words: str) -> None:
    window = make_main_window(collectors=[NotesCollector])
    assert window.slow_option.duration_words(seconds) == words


def test_the_slow_option_is_disabled_for_the_demo_and_the_choice_comes_back(
        make_main_window: MakeWindow, qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(main_window_module, "host_os", lambda: "linux")
    window = make_main_window()
    option = window.slow_option
    qtbot.mouseClick(window.demo_radio, Qt.MouseButton.LeftButton)
    # The demo machine is Windows: its slow collectors are listed, but they read the running system.
    assert "acronis_sysinfo" in listed(window)
    assert all("windows" in cls.platforms for cls in option.listed())
    assert not option.isEnabled() and not option.isChecked()
    assert "reads the running system" in option.toolTip() and "This computer" in option.toolTip()
    assert "Not available" in option.statusTip()
    options = window.options()
    assert isinstance(options, CollectOptions) and not options.include_slow
    qtbot.mouseClick(window.live_radio, Qt.MouseButton.LeftButton)
    assert option.isEnabled() and option.isChecked()
    option.click()
    assert not option.isChecked()
    qtbot.mouseClick(window.demo_radio, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.live_radio, Qt.MouseButton.LeftButton)
    assert option.isEnabled() and not option.isChecked()


def test_a_slow_collector_that_reads_files_stays_available_for_the_demo(make_main_window: MakeWindow,
                                                                         qtbot: Any) -> None:
    window = make_main_window(collectors=SLOW_SAMPLES)
    qtbot.mouseClick(window.demo_radio, Qt.MouseButton.LeftButton)
    assert window.slow_option.isEnabled() and window.slow_option.isChecked()
    assert window.options().include_slow


@pytest.mark.parametrize(("marker", "expected"), [("etc", "test_live_slow"), ("Library/Application Support",
                                                                               "test_mac_slow")])
def test_the_offline_folder_decides_the_platform(make_main_window: MakeWindow, qtbot: Any, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch, marker: str,
                                                 expected: str) -> None:
    (tmp_path / marker).mkdir(parents=True)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args: str(tmp_path))
    window = make_main_window(collectors=SLOW_SAMPLES)
    qtbot.mouseClick(window.offline_radio, Qt.MouseButton.LeftButton)
    assert listed(window) == {expected}
    assert not window.slow_option.isEnabled()


def test_an_offline_folder_not_chosen_yet_lists_every_platform(make_main_window: MakeWindow, qtbot: Any,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args: "")
    window = make_main_window(collectors=SLOW_SAMPLES)
    qtbot.mouseClick(window.offline_radio, Qt.MouseButton.LeftButton)
    assert listed(window) == {"test_live_slow", "test_mac_slow", "test_file_slow"}
    # The file-reading one could run on a Windows copy; until the folder says so the option stays usable.
    assert window.slow_option.isEnabled()


def test_without_slow_collectors_the_option_says_so(make_main_window: MakeWindow) -> None:
    window = make_main_window(collectors=[NotesCollector])
    assert window.slow_option.listed() == ()
    assert not window.slow_option.isEnabled()
    assert window.slow_option.text() == "&Include slow collectors (none for this system)"


@pytest.mark.parametrize("uncheck", [False, True])
def test_the_choice_reaches_the_worker(make_main_window: MakeWindow, qtbot: Any, bundle_path: Path,
                                       monkeypatch: pytest.MonkeyPatch, uncheck: bool) -> None:
    monkeypatch.setattr(main_window_module, "host_os", lambda: "linux")
    received: list[CollectOptions] = []

    def record(options: CollectOptions, **kwargs: Any) -> CollectResult:
        received.append(options)
        return CollectResult(EXIT_NOTHING_WRITTEN, reason="recorded the options")

    window = make_main_window(collectors=SLOW_SAMPLES, run=record)
    window.output_field.setText(str(bundle_path))
    if uncheck:
        qtbot.mouseClick(window.slow_option, Qt.MouseButton.LeftButton)
    click_start(qtbot, window)
    assert window.worker is not None and window.worker.options.include_slow is not uncheck
    wait_done(qtbot, window)
    assert [o.include_slow for o in received] == [not uncheck]


def test_the_slow_option_is_locked_during_a_run(make_main_window: MakeWindow, qtbot: Any, bundle_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(main_window_module, "host_os", lambda: "linux")

    def until_cancelled(options: CollectOptions, *, cancel: CancelToken, **kwargs: Any) -> CollectResult:
        cancel.wait(20)
        return CollectResult(EXIT_NOTHING_WRITTEN, reason="cancelled")

    window = make_main_window(collectors=SLOW_SAMPLES, run=until_cancelled)
    window.output_field.setText(str(bundle_path))
    click_start(qtbot, window)
    assert window.running and not window.slow_option.isEnabled()
    window.cancel()
    wait_done(qtbot, window)
    assert window.slow_option.isEnabled() and window.slow_option.isChecked()
