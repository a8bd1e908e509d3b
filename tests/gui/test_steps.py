"""The step navigator and the workflow across steps: going back and forth, the problem reaching the form, the
checklist reaching the form, the form's readiness and exports, overwriting, presets and export options."""

from __future__ import annotations

import dataclasses
import json
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog
from sample_collectors import AbsentCollector, NotesCollector

from acronis_triage.app.gui import case as cases
from acronis_triage.app.gui import dialogs, export_hooks
from acronis_triage.app.gui import main_window as main_window_module
from acronis_triage.app.gui.main_window import COLLECT, CONTENTS, EXPORT, FINDINGS, FORM, PROBLEM, MainWindow
from acronis_triage.app.pipeline import EXIT_NOTHING_WRITTEN, CollectOptions, CollectResult

MakeWindow = Callable[..., MainWindow]
TIMEOUT_MS = 30000


def open_case(qtbot: Any, window: MainWindow, bundle: Path) -> None:
    window.open_bundle(bundle)
    # The lists fill in slices after the case is set.
    qtbot.waitUntil(lambda: not window.opening and window.case is not None and not window.filling,
                    timeout=TIMEOUT_MS)


# ---- navigation

def test_every_step_is_reached_by_keyboard_and_buttons(make_main_window: MakeWindow, qtbot: Any) -> None:
    window = make_main_window(step=None)
    assert window.current_step() == PROBLEM and not window.back_button.isEnabled()
    for number in range(1, 7):
        qtbot.keyClick(window, Qt.Key(Qt.Key.Key_0 + number), Qt.KeyboardModifier.ControlModifier)
        assert window.current_step() == number - 1
        assert window.stack.currentIndex() == number - 1
    assert not window.next_button.isEnabled()
    qtbot.keyClick(window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert window.current_step() == EXPORT
    qtbot.mouseClick(window.back_button, Qt.MouseButton.LeftButton)
    assert window.current_step() == FORM
    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert window.current_step() == EXPORT
    qtbot.keyClick(window, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert window.current_step() == CONTENTS
    qtbot.keyClick(window, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.current_step() == EXPORT
    window.navigator.setCurrentRow(COLLECT)
    assert window.stack.currentWidget().widget().page is window.collect_step


def test_going_back_keeps_what_was_typed(make_main_window: MakeWindow, qtbot: Any) -> None:
    window = make_main_window(step=PROBLEM)
    qtbot.keyClicks(window.problem_step.since, "since Monday")
    window.go_to(EXPORT)
    window.go_back()
    window.go_back()
    window.go_to(PROBLEM)
    assert window.problem_step.since.text() == "since Monday"


# ---- the problem and the checklist reach the escalation form

def test_the_problem_step_fills_the_form(make_main_window: MakeWindow, qtbot: Any, demo_bundle: Path,
                                         wait_form: Callable[[MainWindow], None]) -> None:
    window = make_main_window(step=PROBLEM)
    p = window.problem_step
    p.category.setCurrentIndex(p.category.findData("Backup fails"))
    p.symptoms.setPlainText("Cloud backups fail every night.")
    open_case(qtbot, window, demo_bundle)
    wait_form(window)
    form = window.form_step
    assert form.editors["issue_category"].value() == "Backup fails"
    assert form.editors["description"].value() == "Cloud backups fail every night."
    assert form.answers()["fields"]["issue_category"] == "Backup fails"
    assert not any("issue_category" in line and "proposed" in line for line in form.missing)
    # Typed later on the Problem step: still taken, until someone types into the form's own field.
    p.symptoms.setPlainText("Cloud backups fail every night since the update.")
    wait_form(window)
    assert form.editors["description"].value() == "Cloud backups fail every night since the update."
    form.editors["description"].widget.setPlainText("Typed in the form")
    p.symptoms.setPlainText("Changed again on the problem step")
    wait_form(window)
    assert form.editors["description"].value() == "Typed in the form"


def test_the_checklist_answers_reach_the_form(make_main_window: MakeWindow, qtbot: Any, demo_bundle: Path,
                                             wait_form: Callable[[MainWindow], None]) -> None:
    window = make_main_window(step=FINDINGS)
    open_case(qtbot, window, demo_bundle)
    wait_form(window)
    steps = window.checklist.rowCount()
    assert steps > 0
    step_lines = [line for line in window.form_step.missing if line.startswith("step ")]
    assert len(step_lines) == steps
    # Answered on the Findings step, in the details pane of the first finding: done, by whom, with the result.
    details = window.findings_step.details
    first = details.steps.mapToSource(details.steps.index(0, 0)).row()
    item_id = window.checklist.items()[first]["id"]
    window.checklist.set_answer(first, status="done", by="end user", result="quota raised to 1 TB",
                                notes="customer confirmed by phone")
    wait_form(window)
    assert not any(line.startswith(f"step {item_id}") for line in window.form_step.missing)
    assert len([line for line in window.form_step.missing if line.startswith("step ")]) == steps - 1
    window.form_step.copy_text()
    text = QGuiApplication.clipboard().text()
    assert "done by the end user: quota raised to 1 TB (notes: customer confirmed by phone)" in text
    # Half an answer is named as what is still missing.
    window.checklist.set_answer(1, status="done")
    wait_form(window)
    assert any("done, but say the result and who did it" in line for line in window.form_step.missing)


def test_the_form_becomes_ready_when_everything_is_answered(make_main_window: MakeWindow, qtbot: Any,
                                                            demo_bundle: Path, tmp_path: Path,
                                                            wait_form: Callable[[MainWindow], None],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_main_window(step=FORM)
    open_case(qtbot, window, demo_bundle)
    wait_form(window)
    form = window.form_step
    assert form.missing_list.count() != 0 and "Not ready" in form.ready_heading.text()
    # Enter on a missing field leads to it.
    target = next(form.missing_list.item(i) for i in range(form.missing_list.count())
                  if form.missing_list.item(i).toolTip().startswith("field partner_name"))
    form.missing_list.itemActivated.emit(target)
    assert form.editors["partner_name"].widget.hasFocus() or QGuiApplication.focusObject() is \
        form.editors["partner_name"].widget
    for key, editor in form.editors.items():
        if editor.confirm is not None and not editor.confirm.isHidden():
            editor.confirm.setChecked(True)
        elif editor.value() in (None, ""):
            if editor.kind == "yes_no":
                editor.widget.setCurrentIndex(editor.widget.findData(True))
            elif editor.kind == "choice":
                editor.widget.setCurrentIndex(1)
            elif editor.kind == "multiline":
                editor.widget.setPlainText(f"text for {key}")
            else:
                editor.widget.setText(f"text for {key}")
                editor.widget.textEdited.emit(editor.widget.text())
    for row in range(window.checklist.rowCount()):
        window.checklist.set_answer(row, status="done", by="technician", result="did it")
    for status, note in form.info_editors.values():
        status.setCurrentIndex(status.findData("attached"))
        note.setText("attached to the case")
    wait_form(window)
    assert form.missing == [], form.missing
    assert form.ready_heading.text().startswith("Ready to send")

    # The same check as `acronis-triage escalate`: the files it writes say ready.
    copy = tmp_path / "demo.zip"
    shutil.copy(demo_bundle, copy)
    window.case.bundle.path = copy
    form.save_beside()
    data = json.loads((tmp_path / "demo.zip.escalation.json").read_text(encoding="utf-8"))
    assert data["ready"] is True and data["readiness"] == []

    html_path, pdf_path = tmp_path / "form.html", tmp_path / "form.pdf"
    answers = iter([(str(html_path), ""), (str(pdf_path), "")])
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: next(answers))
    form.save_html()
    assert "Escalation to Acronis Service Provider Support" in html_path.read_text(encoding="utf-8")
    form.save_pdf()
    assert pdf_path.read_bytes().startswith(b"%PDF-") and pdf_path.stat().st_size > 2000


def test_the_partner_profile_is_kept_in_the_settings(make_main_window: MakeWindow, qtbot: Any, demo_bundle: Path,
                                                     wait_form: Callable[[MainWindow], None],
                                                     settings_file: Path) -> None:
    window = make_main_window(step=FORM)
    open_case(qtbot, window, demo_bundle)
    wait_form(window)
    editor = window.form_step.editors["partner_name"]
    editor.widget.setText("Example IT Services")
    editor.widget.textEdited.emit("Example IT Services")
    window.form_step.save_profile()
    assert window.settings.partner_profile() == {"partner_name": "Example IT Services"}
    window.close()

    again = make_main_window(step=FORM)
    open_case(qtbot, again, demo_bundle)
    wait_form(again)
    assert again.form_step.editors["partner_name"].value() == "Example IT Services"
    assert not any(line.startswith("field partner_name") for line in again.form_step.missing)


# ---- overwriting, presets, export options

def test_an_existing_bundle_is_never_overwritten_without_asking(make_main_window: MakeWindow, qtbot: Any,
                                                                tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    existing = tmp_path / "ticket-4711.zip"
    existing.write_bytes(b"the previous bundle")
    asked: list[Path] = []
    answer = {"value": False}
    monkeypatch.setattr(dialogs, "ask_overwrite", lambda parent, path: asked.append(path) or answer["value"])
    window = make_main_window(collectors=[NotesCollector])
    window.demo_radio.click()
    window.output_field.setText(str(existing))
    window.start()
    assert asked == [existing] and not window.running
    assert existing.read_bytes() == b"the previous bundle"
    assert "already exists" in window.status_line.text()
    answer["value"] = True
    window.start()
    qtbot.waitUntil(lambda: not window.running and window.result_panel.isVisible(), timeout=TIMEOUT_MS)
    assert zipfile.is_zipfile(existing)
    assert asked == [existing, existing]


def test_presets_and_ticks_choose_the_collectors(make_main_window: MakeWindow, qtbot: Any, bundle_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(main_window_module, "host_os", lambda: "windows")
    received: list[CollectOptions] = []

    def record(options: CollectOptions, **kwargs: Any) -> CollectResult:
        received.append(options)
        return CollectResult(EXIT_NOTHING_WRITTEN, reason="recorded the options")

    window = make_main_window(run=record)
    window.output_field.setText(str(bundle_path))
    step = window.collect_step
    assert step.preset_combo.currentData() == "recommended"
    step.apply_preset("acronis")
    chosen = window.model.chosen()
    assert {"products", "acronis_logs", "acronis_config"} <= chosen
    assert "windows_vss" not in chosen and "connectivity" not in chosen
    assert not window.slow_option.isChecked()
    options = window.options()
    assert isinstance(options, CollectOptions) and "windows_vss" in options.exclude and not options.include_slow
    # A tick of one's own makes the preset "Custom"; the tick reaches the run.
    row = next(i for i, r in enumerate(window.model.rows()) if r.name == "windows_vss")
    source = window.model.index(row, 0)
    window.model.setData(source, Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert step.preset_combo.currentData() == "custom"
    window.start()
    qtbot.waitUntil(lambda: not window.running, timeout=TIMEOUT_MS)
    assert "windows_vss" not in received[-1].exclude and "connectivity" in received[-1].exclude
    # Nothing ticked: said before starting.
    window.model.set_checked(set(), slow_checked=False)
    assert window.options() == "No collector is ticked; tick at least one, or choose a preset."


def test_ticks_are_locked_during_a_run_and_unticked_rows_say_so(make_main_window: MakeWindow, qtbot: Any,
                                                                 bundle_path: Path) -> None:
    window = make_main_window(collectors=[NotesCollector, AbsentCollector])
    window.demo_radio.click()
    window.output_field.setText(str(bundle_path))
    row = next(i for i, r in enumerate(window.model.rows()) if r.name == "test_absent")
    window.model.setData(window.model.index(row, 0), Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
    window.start()
    assert not (window.model.flags(window.model.index(0, 0)) & Qt.ItemFlag.ItemIsUserCheckable)
    qtbot.waitUntil(lambda: not window.running and window.result_panel.isVisible(), timeout=TIMEOUT_MS)
    rows = {r.name: r for r in window.model.rows()}
    assert rows["test_notes"].state == "ok" and rows["test_absent"].state == "not_selected"
    assert window.model.flags(window.model.index(0, 0)) & Qt.ItemFlag.ItemIsUserCheckable


@dataclasses.dataclass
class ExportOptions(CollectOptions):
    """CollectOptions as the export work extends it (the field names its issue gives)."""

    format: str = "zip"
    password: str | None = None
    split: int | None = None
    redact: str = "standard"
    case_id: str | None = None
    keywords: tuple[str, ...] = ()


def test_export_options_appear_and_reach_the_run_once_the_pipeline_has_them(
        make_main_window: MakeWindow, qtbot: Any, bundle_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_main_window(step=EXPORT)
    export = window.export_step
    # The pipeline has the export options (issue 12): the controls are there, with full pseudonymisation.
    assert export.redaction_combo.count() == 2 and export.redaction_combo.isEnabled()
    assert not export.format_combo.isHidden() and not export.password_field.isHidden()
    assert not export.split_field.isHidden()
    window.close()

    monkeypatch.setattr(export_hooks, "CollectOptions", ExportOptions)
    monkeypatch.setattr(main_window_module, "CollectOptions", ExportOptions)
    window = make_main_window(step=EXPORT)
    export = window.export_step
    assert not export.format_combo.isHidden() and not export.password_field.isHidden()
    assert export.redaction_combo.count() == 2
    window.settings.set_keywords(["Contoso", "Project Falcon"])
    export.format_combo.setCurrentIndex(export.format_combo.findData("7z"))
    export.redaction_combo.setCurrentIndex(export.redaction_combo.findData("full"))
    export.password_field.setText("s3cret")
    export.password_again.setText("typo")
    export.split_field.setText("25M")
    export.case_field.setText("04711")
    window.output_field.setText(str(bundle_path))
    assert window.options() == "The two passwords differ; type the same password twice."
    export.password_again.setText("s3cret")
    options = window.options()
    assert isinstance(options, ExportOptions)
    assert (options.format, options.redact, options.password, options.split, options.case_id, options.keywords) == (
        "7z", "full", "s3cret", 25 * 2**20, "04711", ("Contoso", "Project Falcon"))


def test_the_redaction_preview_uses_the_real_redactor(make_main_window: MakeWindow, qtbot: Any) -> None:
    window = make_main_window(step=EXPORT)
    export = window.export_step
    export.preview_before.setPlainText("ProxyPassword=Sup3r-Secret!\nnothing here\n")
    export.update_preview()
    assert "Sup3r-Secret" not in export.preview_after.toPlainText()
    assert "nothing here" in export.preview_after.toPlainText()
    assert export.preview_counts.text() == "1 value(s) masked in this text."


def test_a_finished_run_is_the_case_of_every_step(make_main_window: MakeWindow, qtbot: Any, bundle_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch, full_pipeline: None) -> None:
    opened: list[str] = []
    monkeypatch.setattr(main_window_module.QApplication, "aboutQt", lambda: None)
    from PySide6.QtGui import QDesktopServices

    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    window = make_main_window()
    window.demo_radio.click()
    window.output_field.setText(str(bundle_path))
    window.start()
    qtbot.waitUntil(lambda: not window.running and window.result_panel.isVisible(), timeout=TIMEOUT_MS)
    assert window.case is not None and window.case.kind == cases.RUN
    qtbot.waitUntil(lambda: not window.filling, timeout=TIMEOUT_MS)
    assert window.findings_step.list.topLevelItemCount() == len(window.last_result.findings["findings"])
    assert window.contents_step.files.topLevelItemCount() > 0
    export = window.export_step
    assert export.saved_path.text() == str(bundle_path)
    export.copy_path_button.click()
    assert QGuiApplication.clipboard().text() == str(bundle_path)
    export.open_folder_button.click()
    export.open_report_button.click()
    assert opened[0] == str(bundle_path.parent)
    assert opened[1].endswith("-report.html") and "<html" in Path(opened[1]).read_text(encoding="utf-8")
    # The next run gets a fresh name; the saved bundle is not touched by choosing it.
    assert window.output_path() == bundle_path


def test_the_window_shows_before_the_collectors_are_discovered(qtbot: Any, settings_file: Path) -> None:
    from PySide6.QtCore import QSettings

    window = MainWindow(settings=QSettings(str(settings_file), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    assert not window.collectors_ready  # shown first; the collector modules load on a pool thread
    window.start()
    assert not window.running and "Still loading the collectors" in window.status_line.text()
    qtbot.waitUntil(lambda: window.collectors_ready, timeout=20000)
    assert window.model.rowCount() > 0 and any(r.name == "acronis_logs" for r in window.model.rows())
