"""The guided window: plain words, the whole flow on the demo (by mouse and by keyboard alone), stop, failures,
closing, translations and small screens."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QLocale, Qt, QThreadPool
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QLineEdit, QPlainTextEdit, QWidget
from sample_collectors import NotesCollector, SlowCollector

from acronis_triage.app.gui.guided import dialogs
from acronis_triage.app.gui.guided import window as window_module
from acronis_triage.app.gui.guided.main import install_translators
from acronis_triage.app.gui.guided.presets import Preset, load_preset
from acronis_triage.app.gui.guided.save import CASE_MEMBER, NOTE_MEMBER
from acronis_triage.app.gui.guided.window import COLLECT, CONSENT, SAVE, SEND, GuidedWindow
from acronis_triage.app.pipeline import EXIT_NOTHING_WRITTEN, CollectResult
from acronis_triage.collectors.bundle import verify_bundle

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_MS = 60000
MakeGuided = Callable[..., GuidedWindow]
TEST_PRESET = Preset("test", {"en": "Test problem"}, {"en": "Your technician needs two small files."},
                     ("test_notes", "test_slow"), 7.0)
# Words an end user does not know; they may appear only under "technical details".
JARGON = ("vss", "vssadmin", "snapapi", "dmesg", "systemctl", "collector", "manifest", "registry", "evtx", "kb ")


@pytest.fixture(autouse=True)
def _no_task_left_running() -> Iterator[None]:
    yield
    pool = QThreadPool.globalInstance()
    if pool.activeThreadCount():
        pool.waitForDone(15000)
        pytest.fail("a guided task was still running at the end of the test")


@pytest.fixture
def desktop(tmp_path: Path) -> Path:
    folder = tmp_path / "Desktop"
    folder.mkdir()
    return folder


@pytest.fixture
def make_guided(qtbot: Any, desktop: Path, monkeypatch: pytest.MonkeyPatch) -> MakeGuided:
    # A test that ends with an unsaved bundle closes without a question.
    monkeypatch.setattr(dialogs, "ask_close_unsaved", lambda parent: True)

    def stop_run(window: GuidedWindow) -> None:
        if window.worker is not None:
            with qtbot.waitSignal(window.worker.signals.finished, timeout=TIMEOUT_MS):
                window.worker.cancel("test ended")
        qtbot.waitUntil(lambda: not window._tasks, timeout=TIMEOUT_MS)

    def factory(preset: Preset | None = None, **kwargs: Any) -> GuidedWindow:
        kwargs.setdefault("desktop", desktop)
        window = GuidedWindow(preset or load_preset("backup-fails"), **kwargs)
        qtbot.addWidget(window, before_close_func=stop_run)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(lambda: window.consent.collect_button.isEnabled() or window.consent.problem.isVisible(),
                        timeout=TIMEOUT_MS)
        return window

    return factory


def visible_texts(widget: QWidget) -> list[str]:
    texts = []
    for child in widget.findChildren(QWidget):
        if not child.isVisibleTo(widget):
            continue
        if isinstance(child, QLabel | QAbstractButton):
            texts.append(child.text())
        elif isinstance(child, QPlainTextEdit):
            texts.append(child.placeholderText())
    return [t for t in texts if t]


def wait_collected(qtbot: Any, window: GuidedWindow) -> None:
    qtbot.waitUntil(lambda: window.worker is None and window.result is not None, timeout=TIMEOUT_MS)


def focused() -> QWidget | None:
    return QApplication.focusWidget()


# ---- step 1

def test_the_consent_page_says_what_and_why_in_plain_words(make_guided: MakeGuided) -> None:
    # The live machine (not the demo): the preset's every kind of information that applies here is listed.
    window = make_guided(load_preset("backup-fails"), case_id="12345")
    page = window.consent
    assert window.page() == CONSENT
    assert page.title.text() == "Backups fail or end with errors"
    assert page.case.text() == "Case number from your technician: 12345"
    assert "14 days" in page.window_text.text()
    shown = visible_texts(page.body)
    assert "•  Acronis logs and settings" in shown
    if sys.platform.startswith("linux"):
        assert "•  The disk snapshot helpers" in shown  # SnapAPI, said so that anyone understands
        assert "•  Disks and free space" in shown
    words = " ".join(shown).lower() + " "
    assert [w for w in JARGON if w in words] == []
    # The technical names are there for whoever asks.
    assert not page.details.isVisible()
    page.details_button.click()
    assert page.details.isVisible() and "acronis_logs:" in page.details.toPlainText()
    assert page.collect_button.isEnabled() and focused() is page.collect_button


def test_the_collectors_are_found_off_the_gui_thread_after_the_first_paint(
        make_guided: MakeGuided, monkeypatch: pytest.MonkeyPatch, qtbot: Any, desktop: Path) -> None:
    threads: list[int] = []
    real = window_module.discover_collectors

    def recording() -> dict[str, Any]:
        # get_ident, not current_thread(): that would leave a dummy Thread behind, and later tests count threads.
        threads.append(threading.get_ident())
        return real()

    monkeypatch.setattr(window_module, "discover_collectors", recording)
    window = GuidedWindow(load_preset("general"), desktop=desktop)
    qtbot.addWidget(window)
    window.show()
    # Shown at once, with the list still coming: nothing slow ran before the first paint.
    assert not window.consent.collect_button.isEnabled() and window.consent.loading.isVisibleTo(window)
    qtbot.waitUntil(window.consent.collect_button.isEnabled, timeout=TIMEOUT_MS)
    assert threads and threads[0] != threading.main_thread().ident


def test_without_rights_the_user_is_told_how_to_get_them(make_guided: MakeGuided,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import acronis_triage.collectors.context

    monkeypatch.setattr(acronis_triage.collectors.context, "running_elevated", lambda: False)
    window = make_guided(load_preset("backup-fails"))
    note = window.consent.admin_note
    # Only on a platform whose chosen collectors need the rights (Windows: VSS; none on Linux or macOS here).
    needs = any(c.needs_admin and window_module_host_os() in c.platforms for c in window._chosen)
    assert note.isVisibleTo(window) == needs
    if needs:
        assert "administrator" in note.text.text()


def window_module_host_os() -> str:
    from acronis_triage.collectors.sysroot import host_os

    return host_os()


def test_the_admin_note_names_the_way_for_the_platform(make_guided: MakeGuided) -> None:
    window = make_guided(load_preset("general"))
    assert "Run as administrator" in window._admin_text("windows")
    assert "sudo" in window._admin_text("linux")


# ---- the whole flow

def test_the_guided_flow_end_to_end_on_the_demo(make_guided: MakeGuided, qtbot: Any, desktop: Path) -> None:
    window = make_guided(load_preset("backup-fails"), case_id="12345", demo=True)
    assert window.consent.groups.isVisible()
    qtbot.mouseClick(window.consent.collect_button, Qt.MouseButton.LeftButton)
    assert window.page() == COLLECT and window.steps.labels[COLLECT].font().bold()
    collect = window.collect_page
    qtbot.keyClicks(collect.note, "Since Monday the backup fails every night.")
    wait_collected(qtbot, window)
    assert collect.title.text() == "Done"
    assert collect.progress.value() == collect.progress.maximum()
    result = collect.result.text.text()
    assert "Everything was collected." in result and "known problems (8)" in result
    assert collect.next_button.isEnabled()
    assert focused() is collect.note  # the end of the run leaves the user's typing alone
    staged = window.staged
    # Named as `collect --case-id` names a bundle; the case ID is in the manifest too.
    assert staged is not None and staged.name.startswith("12345-offline-demo-")

    qtbot.mouseClick(collect.next_button, Qt.MouseButton.LeftButton)
    assert window.page() == SAVE
    assert window.save_page.note_state.text() == "Your description of what happened is put in the file."
    assert window.save_page.desktop_button.text() == "Save to &Desktop"
    qtbot.mouseClick(window.save_page.desktop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.page() == SEND, timeout=TIMEOUT_MS)

    saved = desktop / staged.name
    assert window.saved == saved and saved.is_file()
    send = window.send_page
    assert send.saved.text() == "The file is saved on your Desktop:"
    assert send.path.text() == str(saved)
    assert f"Attach the file {saved.name}." in send.steps.text()
    assert "Write your case number 12345 in the subject." in send.steps.text()
    manifest = verify_bundle(saved)
    with zipfile.ZipFile(saved) as zf:
        assert zf.read(NOTE_MEMBER).decode() == "Since Monday the backup fails every night.\n"
        assert zf.read(CASE_MEMBER).decode() == "case ID: 12345\npreset: backup-fails\n"
        findings = json.loads(zf.read("analysis/findings.json"))
    assert len(findings["findings"]) == 8
    assert manifest["options"]["only"] and "acronis_logs" in manifest["options"]["only"]
    assert manifest["case_id"] == "12345"

    staging = window._staging
    assert staging is not None and staging.is_dir()
    qtbot.mouseClick(send.close_button, Qt.MouseButton.LeftButton)
    assert not window.isVisible()
    assert not staging.exists()  # the private copy goes; the saved file stays
    assert saved.is_file()


def press(qtbot: Any, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    widget = focused()
    assert widget is not None, "nothing has the keyboard focus"
    qtbot.keyClick(widget, key, modifier)


def test_the_whole_flow_by_keyboard_alone(make_guided: MakeGuided, qtbot: Any, desktop: Path) -> None:
    window = make_guided(load_preset("backup-fails"), case_id="777", demo=True)
    assert focused() is window.consent.collect_button
    press(qtbot, Qt.Key.Key_Return)
    assert window.page() == COLLECT
    assert focused() is window.collect_page.note  # while it collects, the user can write
    qtbot.keyClicks(focused(), "The backup stopped.")
    wait_collected(qtbot, window)
    # The end of the run does not take the focus from someone writing; Tab leaves the box (no trap) for Next.
    assert focused() is window.collect_page.note
    qtbot.keyClicks(focused(), " Since Monday.")
    press(qtbot, Qt.Key.Key_Tab)
    for _ in range(6):
        if focused() is window.collect_page.next_button:
            break
        press(qtbot, Qt.Key.Key_Tab)
    assert focused() is window.collect_page.next_button
    press(qtbot, Qt.Key.Key_Return)
    assert window.page() == SAVE and focused() is window.save_page.desktop_button
    # Back with Alt+B, and forward again with Alt+N: the mnemonics work.
    # (A mnemonic "animates" the click: the button is pressed for 100 ms, then clicked.)
    press(qtbot, Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: window.page() == COLLECT)
    press(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: window.page() == SAVE)
    press(qtbot, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.page() == SEND, timeout=TIMEOUT_MS)
    assert focused() is window.send_page.close_button
    saved = window.saved
    assert saved is not None and saved.parent == desktop
    with zipfile.ZipFile(saved) as zf:
        assert zf.read(NOTE_MEMBER).decode() == "The backup stopped. Since Monday.\n"
    press(qtbot, Qt.Key.Key_Return)
    assert not window.isVisible()


def tab_cycle(qtbot: Any, start: QWidget, key: Qt.Key = Qt.Key.Key_Tab, limit: int = 40) -> list[QWidget]:
    start.setFocus(Qt.FocusReason.TabFocusReason)
    seen = [start]
    for _ in range(limit):
        qtbot.keyClick(focused(), key)
        widget = focused()
        assert widget is not None
        if widget is start:
            return seen
        seen.append(widget)
    pytest.fail(f"Tab never came back to {start!r}: a trap in {[type(w).__name__ for w in seen[-5:]]}")


def reachable_controls(page: QWidget) -> set[QWidget]:
    found = set()
    for child in page.findChildren(QWidget):
        if (child.isVisibleTo(page) and child.isEnabled() and child.focusPolicy() & Qt.FocusPolicy.TabFocus
                and isinstance(child, QAbstractButton | QPlainTextEdit | QLineEdit)):
            found.add(child)
    return found


def test_tab_reaches_every_control_of_every_step_and_comes_back(make_guided: MakeGuided, qtbot: Any) -> None:
    window = make_guided(load_preset("backup-fails"), case_id="1", demo=True)
    window.consent.details_button.click()  # the details box too, once open
    pages = {CONSENT: (window.consent, window.consent.collect_button)}
    for index, (page, start) in pages.items():
        window.go_to(index)
        forward = tab_cycle(qtbot, start)
        assert reachable_controls(page) <= set(forward)
        backward = tab_cycle(qtbot, start, Qt.Key.Key_Backtab)
        assert set(backward) == set(forward)
    qtbot.mouseClick(window.consent.collect_button, Qt.MouseButton.LeftButton)
    wait_collected(qtbot, window)
    for index, page, start in ((COLLECT, window.collect_page, window.collect_page.next_button),
                               (SAVE, window.save_page, window.save_page.desktop_button)):
        window.go_to(index)
        forward = tab_cycle(qtbot, start)
        assert reachable_controls(page) <= set(forward), index
    window.save_to_desktop()
    qtbot.waitUntil(lambda: window.page() == SEND, timeout=TIMEOUT_MS)
    forward = tab_cycle(qtbot, window.send_page.close_button)
    assert reachable_controls(window.send_page) <= set(forward)


def test_every_control_has_a_name_a_screen_reader_can_say(make_guided: MakeGuided) -> None:
    window = make_guided(load_preset("backup-fails"), demo=True)
    for child in window.findChildren(QWidget):
        if isinstance(child, QAbstractButton):
            assert child.accessibleName() or child.text().replace("&", ""), child
        elif isinstance(child, QPlainTextEdit | QLineEdit):
            assert child.accessibleName(), child


# ---- stop, failures, closing

def test_stop_keeps_what_was_collected_and_it_can_still_be_saved(make_guided: MakeGuided, qtbot: Any,
                                                                  desktop: Path) -> None:
    window = make_guided(TEST_PRESET, collectors=[NotesCollector, SlowCollector], case_id="9", demo=True)
    qtbot.mouseClick(window.consent.collect_button, Qt.MouseButton.LeftButton)
    # Stopped once the quick collector has ended and the slow one is under way.
    qtbot.waitUntil(lambda: "test_slow" in window._fractions and "test_notes" in window._finished,
                    timeout=TIMEOUT_MS)
    qtbot.keyClick(window.collect_page.note, Qt.Key.Key_Escape)  # Esc stops, from anywhere in the step
    wait_collected(qtbot, window)
    page = window.collect_page
    assert page.title.text() == "Stopped"
    assert "You stopped the collection." in page.result.text.text()
    assert page.next_button.isEnabled() and page.again_button.isVisible()
    window.go_to(SAVE)
    window.save_to_desktop()
    qtbot.waitUntil(lambda: window.page() == SEND, timeout=TIMEOUT_MS)
    manifest = verify_bundle(window.saved)
    statuses = {c["name"]: c["status"] for c in manifest["collectors"]}
    assert statuses == {"test_notes": "ok", "test_slow": "cancelled"}
    assert window.send_page.steps.text().count("\n") == 2


def test_nothing_written_says_why_and_collect_again_works(make_guided: MakeGuided, qtbot: Any) -> None:
    calls: list[Any] = []

    def no_space(options: Any, **kwargs: Any) -> CollectResult:
        calls.append(options)
        return CollectResult(EXIT_NOTHING_WRITTEN, reason="not enough free space in /tmp: 3 MiB free")

    window = make_guided(TEST_PRESET, collectors=[NotesCollector], run=no_space)
    qtbot.mouseClick(window.consent.collect_button, Qt.MouseButton.LeftButton)
    wait_collected(qtbot, window)
    page = window.collect_page
    assert page.title.text() == "The file could not be made"
    assert "not enough free space in /tmp: 3 MiB free" in page.result.text.text()
    assert not page.next_button.isEnabled()
    assert focused() is page.again_button
    qtbot.mouseClick(page.again_button, Qt.MouseButton.LeftButton)
    wait_collected(qtbot, window)
    assert len(calls) == 2
    assert calls[0].only == ("test_notes",)  # the preset's collectors that exist here; test_slow is not given


def test_an_internal_error_is_said_in_one_sentence(make_guided: MakeGuided, qtbot: Any) -> None:
    def broken(options: Any, **kwargs: Any) -> CollectResult:
        raise ValueError("bad\nthing")

    window = make_guided(TEST_PRESET, collectors=[NotesCollector], run=broken)
    qtbot.mouseClick(window.consent.collect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.worker is None and window.collect_page.result.isVisible(), timeout=TIMEOUT_MS)
    assert window.collect_page.title.text() == "Something went wrong"
    assert "ValueError: bad thing" in window.collect_page.result.text.text()


def test_no_acronis_on_a_live_machine_is_said_plainly(make_guided: MakeGuided, qtbot: Any, tmp_path: Path) -> None:
    from acronis_triage.app.pipeline import run_collect

    def live_without_acronis(options: Any, **kwargs: Any) -> CollectResult:
        result = run_collect(options, **kwargs)
        assert result.manifest is not None
        result.manifest["host"]["live"] = True  # the demo machine, told to be this one, with no product
        result.manifest["products"] = []
        return result

    window = make_guided(TEST_PRESET, collectors=[NotesCollector], run=live_without_acronis, demo=True)
    qtbot.mouseClick(window.consent.collect_button, Qt.MouseButton.LeftButton)
    wait_collected(qtbot, window)
    assert "No Acronis program was found on this computer." in window.collect_page.result.text.text()


def test_a_failed_save_says_why_and_another_place_works(make_guided: MakeGuided, qtbot: Any, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_guided(TEST_PRESET, collectors=[NotesCollector], demo=True, desktop=tmp_path / "no-such-desktop")
    qtbot.mouseClick(window.consent.collect_button, Qt.MouseButton.LeftButton)
    wait_collected(qtbot, window)
    window.go_to(SAVE)
    assert "You have not written what happened." in window.save_page.note_state.text()
    qtbot.mouseClick(window.save_page.desktop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.save_page.error.isVisible(), timeout=TIMEOUT_MS)
    assert "does not exist" in window.save_page.error.text.text()
    assert window.page() == SAVE and window.save_page.desktop_button.isEnabled()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.setattr(dialogs, "ask_save_path", lambda parent, suggested: elsewhere / "mine.zip")
    qtbot.mouseClick(window.save_page.other_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.page() == SEND, timeout=TIMEOUT_MS)
    assert window.saved == elsewhere / "mine.zip"
    assert window.send_page.saved.text() == "The file is saved here:"
    assert "case number" not in window.send_page.steps.text()  # no case ID was given
    verify_bundle(window.saved)


def test_show_file_falls_back_to_saying_where_it_is(make_guided: MakeGuided, qtbot: Any) -> None:
    window = make_guided(TEST_PRESET, collectors=[NotesCollector], demo=True)
    qtbot.mouseClick(window.consent.collect_button, Qt.MouseButton.LeftButton)
    wait_collected(qtbot, window)
    window.go_to(SAVE)
    window.save_to_desktop()
    qtbot.waitUntil(lambda: window.page() == SEND, timeout=TIMEOUT_MS)
    opened: list[Path] = []
    window.open_folder = lambda folder: opened.append(folder) or False
    qtbot.mouseClick(window.send_page.show_button, Qt.MouseButton.LeftButton)
    assert opened == [window.saved.parent]
    assert str(window.saved) in window.send_page.feedback.text()
    qtbot.mouseClick(window.send_page.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == str(window.saved)


def test_closing_while_collecting_asks_and_stops(make_guided: MakeGuided, qtbot: Any,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter([False, True])
    monkeypatch.setattr(dialogs, "ask_stop_and_close", lambda parent: next(answers))
    window = make_guided(TEST_PRESET, collectors=[SlowCollector], demo=True)
    qtbot.mouseClick(window.consent.collect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "test_slow" in window._fractions, timeout=TIMEOUT_MS)
    window.close()
    assert window.isVisible() and window.worker is not None  # declined: it goes on
    staging = window._staging
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=TIMEOUT_MS)
    assert window.worker is None and staging is not None and not staging.exists()


def test_closing_with_an_unsaved_file_asks(make_guided: MakeGuided, qtbot: Any,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_guided(TEST_PRESET, collectors=[NotesCollector], demo=True)
    qtbot.mouseClick(window.consent.collect_button, Qt.MouseButton.LeftButton)
    wait_collected(qtbot, window)
    asked: list[bool] = []
    monkeypatch.setattr(dialogs, "ask_close_unsaved", lambda parent: asked.append(True) or False)
    window.close()
    assert asked and window.isVisible() and window.staged is not None and window.staged.exists()


# ---- translation

@pytest.fixture
def german(qapp: QApplication) -> Iterator[None]:
    QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    translators = install_translators(qapp, QLocale("de_DE"))
    assert translators, "no German translation found in resources/translations"
    yield
    for translator in translators:
        qapp.removeTranslator(translator)
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))


def all_texts(window: GuidedWindow) -> dict[str, str]:
    """Every text of every step (hidden ones too), by the widget's object path."""
    texts = {}
    for i, child in enumerate(window.findChildren(QWidget)):
        key = f"{type(child).__name__}#{i}"
        if isinstance(child, QLabel | QAbstractButton) and child.text().strip():
            texts[key] = child.text()
        if isinstance(child, QPlainTextEdit) and child.placeholderText():
            texts[key + ".placeholder"] = child.placeholderText()
        if child.accessibleName():
            texts[key + ".name"] = child.accessibleName()
    texts["title"] = window.windowTitle()
    return texts


def test_the_guided_mode_speaks_german(make_guided: MakeGuided, german: None) -> None:
    window = make_guided(load_preset("backup-fails"), case_id="12345")
    assert window.windowTitle() == "Acronis Triage – Informationen für Ihren Techniker"
    assert window.consent.collect_button.text() == "&Sammeln"
    assert window.consent.title.text() == "Sicherungen schlagen fehl oder enden mit Fehlern"  # the preset's German
    assert window.save_page.desktop_button.text() == "Auf dem &Desktop speichern"
    assert "•  Acronis-Protokolle und -Einstellungen" in visible_texts(window.consent.body)


def test_every_string_of_the_guided_window_is_translated(make_guided: MakeGuided, qapp: QApplication,
                                                         request: pytest.FixtureRequest) -> None:
    english = all_texts(make_guided(load_preset("backup-fails"), case_id="12345"))
    request.getfixturevalue("german")
    german = all_texts(make_guided(load_preset("backup-fails"), case_id="12345"))
    assert english.keys() == german.keys()
    # Symbols, numbers and names are the same in every language; every sentence and label differs.
    same = {k: v for k, v in english.items() if german[k] == v and any(ch.isalpha() for ch in v)
            and v not in ("Acronis Triage",)}
    assert same == {}


def test_the_translations_are_complete_and_compiled() -> None:
    """Every string of app/gui/guided is in the German .ts, translated, and the shipped .qm is built from it."""
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "update_translations.py"), "--check"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr


# ---- screens

SIZE_CHECK = """
import json, sys
from PySide6.QtWidgets import QApplication
app = QApplication([])
from acronis_triage.app.gui.guided.presets import load_preset
from acronis_triage.app.gui.guided.window import GuidedWindow
window = GuidedWindow(load_preset("backup-fails"), case_id="12345", demo=True)
window.show()
app.processEvents()
screen = window.screen().availableGeometry()
fits = []
for index in range(4):
    window.stack.setCurrentIndex(index)
    app.processEvents()
    frame = window.frameGeometry()
    hint = window.minimumSizeHint()
    fits.append([screen.contains(frame), hint.width() <= screen.width(), hint.height() <= screen.height(),
                 window.stack.currentWidget().buttons.geometry().bottom() <= window.height()])
print(json.dumps({"screen": [screen.width(), screen.height()], "frame": [window.width(), window.height()],
                  "fits": fits}))
"""


@pytest.mark.parametrize(("width", "height", "scale"), [(1024, 600, "1"), (1920, 1080, "1.5"), (800, 600, "1")])
def test_the_window_fits_small_and_scaled_screens(tmp_path: Path, width: int, height: int, scale: str) -> None:
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [{"name": "s", "x": 0, "y": 0, "width": width, "height": height,
                                               "logicalDpi": 96, "dpr": 1}]}))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}", "QT_SCALE_FACTOR": scale}
    out = subprocess.run([sys.executable, "-c", SIZE_CHECK], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout.strip().splitlines()[-1])
    assert data["fits"] == [[True, True, True, True]] * 4, data
