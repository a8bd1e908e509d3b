"""The whole workflow by keyboard alone, as a technician without a mouse does it: only key presses, sent to
whatever has the focus, from the demo collection to a saved bundle and an escalation form that is ready to send."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from acronis_triage.app.gui.checklist_model import ChecklistModel
from acronis_triage.app.gui.main_window import COLLECT, FINDINGS, FORM, MainWindow

MakeWindow = Callable[..., MainWindow]
TIMEOUT_MS = 60000
MAX_TABS = 400


def test_from_the_demo_to_a_ready_form_by_keyboard_alone(make_main_window: MakeWindow, qtbot: Any,
                                                        tmp_path: Path, full_pipeline: None) -> None:
    window = make_main_window(step=None)
    window.output_field.setText(str(tmp_path / "walk.zip"))  # the test's folder, as Settings would give it

    def press(key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        qtbot.keyClick(QApplication.focusWidget() or window, key, modifiers)
        QApplication.processEvents()  # as between two key presses of a person (an editor closes queued)

    def type_text(text: str) -> None:
        for character in text:  # each key to whatever has the focus then (the first may open an editor)
            qtbot.keyClicks(QApplication.focusWidget(), character)
            QApplication.processEvents()

    def tab_to(widget: QWidget) -> None:
        for _ in range(MAX_TABS):
            focus = QApplication.focusWidget()
            if focus is widget or (focus is not None and widget.isAncestorOf(focus)):
                return
            press(Qt.Key.Key_Tab)
        raise AssertionError(f"Tab never reached {type(widget).__name__} {widget.accessibleName()!r}")

    # Collect from the demo machine: Ctrl+2, into the source buttons, arrow to the demo, Ctrl+R.
    window.navigator.setFocus()
    press(Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.current_step() == COLLECT
    tab_to(window.live_radio)
    press(Qt.Key.Key_Right)
    assert window.demo_radio.isChecked()
    press(Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.running and window.result_panel.isVisible(), timeout=TIMEOUT_MS)
    bundle = window.last_result.bundle
    assert bundle == tmp_path / "walk.zip" and bundle.is_file()

    # The focus waits on "Show the findings"; Space follows it.
    assert QApplication.focusWidget() is window.result_panel.findings_button
    press(Qt.Key.Key_Space)
    assert window.current_step() == FINDINGS

    # Answer every workaround step in the checklist: done, a result, by the technician.
    steps = window.findings_step
    tab_to(steps.tabs.tabBar())
    press(Qt.Key.Key_Right)
    assert steps.tabs.currentIndex() == steps.checklist_tab
    view = steps.checklist_view
    tab_to(view)
    view.setCurrentIndex(view.model().index(0, ChecklistModel.COL_STEP))  # where the table puts the cursor first
    for row in range(window.checklist.rowCount()):
        press(Qt.Key.Key_Right)
        press(Qt.Key.Key_Right)  # Done?
        press(Qt.Key.Key_F2)
        press(Qt.Key.Key_Down)  # "done"
        press(Qt.Key.Key_Return)
        press(Qt.Key.Key_Right)  # Result: typing starts the editor
        type_text("did it, works")
        press(Qt.Key.Key_Return)
        press(Qt.Key.Key_Right)  # By
        press(Qt.Key.Key_F2)
        press(Qt.Key.Key_Down)  # "technician"
        press(Qt.Key.Key_Return)
        press(Qt.Key.Key_Home)
        press(Qt.Key.Key_Down)
        assert window.checklist.items()[row]["status"] == "done", row
    assert window.checklist.answered() == window.checklist.rowCount()

    # The escalation form: fill every empty field, confirm the proposals, account for what support needs.
    press(Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert window.current_step() == FORM
    form = window.form_step
    qtbot.waitUntil(lambda: form.completed is not None and not form.checking, timeout=TIMEOUT_MS)
    for key, editor in form.editors.items():
        if editor.confirm is not None and not editor.confirm.isHidden():
            tab_to(editor.confirm)
            press(Qt.Key.Key_Space)
        elif editor.value() in (None, ""):
            tab_to(editor.widget)
            if editor.kind in ("choice", "yes_no"):
                press(Qt.Key.Key_Down)
            else:
                type_text(f"{key} as the technician wrote it")
    for status, note in form.info_editors.values():
        tab_to(status)
        press(Qt.Key.Key_Down)  # attached separately
        tab_to(note)
        type_text("attached to the case")
    qtbot.waitUntil(lambda: not form.checking, timeout=TIMEOUT_MS)
    assert form.missing == [], form.missing
    assert form.ready_heading.text().startswith("Ready to send")
    tab_to(form.copy_button)
    press(Qt.Key.Key_Space)
    text = QGuiApplication.clipboard().text()
    assert "NOT READY" not in text and "done by the technician: did it, works" in text
    assert bundle.name in text
