"""The guided window: four big steps an end user can follow alone, started by their technician with a preset.

1. What will be collected and why, in plain words; one Collect button (pressing it is the consent).
2. Progress, Stop, and a box for "what happened" in the user's own words while they wait.
3. Save to Desktop (or elsewhere): the bundle with the user's words and the case ID in it.
4. What to send, to whom, with which case number.

The collection is the same `run_collect` the technician window and the command line run (through
`CollectWorker`, in a child process); it writes into a private staging folder, and saving copies the verified
bundle out (see `app.gui.guided.save`). Finding the collectors and saving run off the GUI thread too.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QLocale, QObject, Qt, QThreadPool, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QStackedWidget, QStyle, QVBoxLayout, QWidget

from acronis_triage.app.gui.guided import dialogs
from acronis_triage.app.gui.guided.pages import CollectPage, ConsentPage, SavePage, SendPage, StepBar, keyboard_buttons
from acronis_triage.app.gui.guided.plain_words import group_collectors
from acronis_triage.app.gui.guided.presets import Preset
from acronis_triage.app.gui.guided.tasks import Task

if TYPE_CHECKING:  # collectors.base loads the engine's modules: not before the first paint
    from acronis_triage.collectors.base import Collector

log = logging.getLogger(__name__)

CONSENT, COLLECT, SAVE, SEND = range(4)
BAR_MAX = 1000
COLLECT_SHARE = 800
# Bar positions of the pipeline's phases after the collectors, in the order it announces them.
PHASES = (("analyzing", 850), ("writing", 920), ("verifying", 970))
LOAD_AT_LATEST_MS = 1000
LARGE_FILE = 20 * 1024 * 1024  # many mail services refuse larger attachments
# Written into the manifest, which Acronis support reads: kept in English.
USER_CANCEL_REASON = "stopped by the end user in the guided window"


def discover_collectors() -> dict[str, Any]:
    """Runs on a pool thread: the collector classes, this computer's system and rights. Also loads the
    pipeline, so pressing Collect costs no import on the GUI thread."""
    import acronis_triage.app.gui.worker  # noqa: F401 - imported here for its cost, not its names
    from acronis_triage.collectors.context import running_elevated
    from acronis_triage.collectors.registry import discover
    from acronis_triage.collectors.sysroot import host_os

    return {"classes": discover().collectors, "host_os": host_os(), "elevated": running_elevated()}


def desktop_folder() -> Path:
    """Where "Save to Desktop" saves: the user's desktop as Qt knows it, else the home folder."""
    from PySide6.QtCore import QStandardPaths

    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DesktopLocation)
    folder = Path(location) if location else Path.home() / "Desktop"
    return folder if folder.is_dir() else Path.home()


class _AfterFirstPaint(QObject):
    """Calls ``callback`` from the event loop once ``widget`` has painted for the first time."""

    def __init__(self, widget: QWidget, callback: Callable[[], None]) -> None:
        super().__init__(widget)
        self._widget = widget
        self._callback = callback
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self._widget.removeEventFilter(self)
            QTimer.singleShot(0, self._callback)
        return False


def _say(label: QLabel, text: str) -> None:
    # An empty line must not leave a gap between the progress bar and the result.
    label.setText(text)
    label.setVisible(bool(text))


class GuidedWindow(QMainWindow):
    """The guided mode's window.

    Args:
        preset: what to collect and the words for the end user.
        case_id: the technician's case number; shown, put in the file name and in the bundle.
        demo: collect from the built-in demo machine instead of this computer (to show the steps).
        collectors: these collector classes instead of the discovered ones (tests).
        run: the pipeline entry point (tests).
        desktop: where "Save to Desktop" saves (tests; default: the user's desktop).
        language: the language of the preset's texts (default: the locale's).
    """

    def __init__(self, preset: Preset, *, case_id: str = "", demo: bool = False,
                 collectors: list[type[Collector]] | None = None, run: Any = None, pool: QThreadPool | None = None,
                 desktop: Path | None = None, language: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preset = preset
        self.case_id = case_id
        self.demo = demo
        self._collectors = collectors
        self._run = run
        self._pool = pool
        self._desktop = desktop
        self.language = language or QLocale().name().split("_")[0]
        self.open_folder = dialogs.open_folder
        self.worker: Any = None
        self._previous_worker: Any = None
        self._tasks: set[Task] = set()
        self._classes: list[type[Collector]] = []
        self._chosen: list[type[Collector]] = []
        self._planned: set[str] = set()
        self._finished: set[str] = set()
        self._fractions: dict[str, float] = {}
        self._phase_value = 0
        self._started_at = 0.0
        self._staging: Path | None = None
        self.staged: Path | None = None
        self.saved: Path | None = None
        self.result: Any = None
        self._saving = False
        self._close_when_done = False

        self.setWindowTitle(self.tr("Acronis Triage – information for your technician"))
        self._build()
        self._size_for_screen()
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._show_elapsed)
        self.go_to(CONSENT)
        # The window is painted first; the collectors are found on a pool thread right after (importing them
        # while the first frame is drawn would compete with it for the interpreter).
        self._loading_started = False
        self._first_paint = _AfterFirstPaint(self, self._load_collectors)
        QTimer.singleShot(LOAD_AT_LATEST_MS, self._load_collectors)  # a window that is never painted (hidden)

    # ---- construction

    def _build(self) -> None:
        self.steps = StepBar([self.tr("What is collected"), self.tr("Collecting"), self.tr("Save"),
                              self.tr("Send")])
        self.consent = ConsentPage()
        self.collect_page = CollectPage()
        self.save_page = SavePage()
        self.send_page = SendPage()
        self.stack = QStackedWidget()
        for page in (self.consent, self.collect_page, self.save_page, self.send_page):
            self.stack.addWidget(page)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.steps)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        keyboard_buttons(central)

        self.consent.title.setText(self.preset.text("title", self.language))
        self.consent.intro.setText(self.preset.text("intro", self.language))
        self.consent.case.setText(self.tr("Case number from your technician: %1").replace("%1", self.case_id))
        self.consent.case.setVisible(bool(self.case_id))
        self.consent.window_text.setText(self._window_text())
        self.consent.groups.setVisible(False)
        self.consent.collect_button.clicked.connect(self.start)

        self.collect_page.stop_button.clicked.connect(self.stop)
        self.collect_page.again_button.clicked.connect(self.collect_again)
        self.collect_page.next_button.clicked.connect(lambda: self.go_to(SAVE))

        self.save_page.back_button.clicked.connect(lambda: self.go_to(COLLECT))
        self.save_page.desktop_button.clicked.connect(self.save_to_desktop)
        self.save_page.other_button.clicked.connect(self.save_elsewhere)
        self.save_page.desktop_button.setText(self.tr("Save to &Desktop") if self._has_desktop()
                                              else self.tr("Save in my &home folder"))

        self.send_page.show_button.clicked.connect(self.show_file)
        self.send_page.copy_button.clicked.connect(self.copy_location)
        self.send_page.close_button.clicked.connect(self.close)

        self.stop_action = QAction(self.tr("Stop collecting"), self)
        self.stop_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.stop_action.triggered.connect(self.stop)
        self.addAction(self.stop_action)
        quit_action = QAction(self.tr("Close"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        self.addAction(quit_action)

    def _window_text(self) -> str:
        days = self.preset.since_days
        if days == int(days) and days > 1:
            return self.tr("Only records of the last %1 days are taken.").replace("%1", str(int(days)))
        if days == 1:
            return self.tr("Only records of the last day are taken.")
        return self.tr("Only records of the last %1 hours are taken.").replace("%1", str(max(1, round(days * 24))))

    def _size_for_screen(self) -> None:
        # As large as the steps read well, never larger than the screen (1024×600, or 150 % on 1920×1080).
        width, height = 840, 720
        screen = self.screen()
        if screen is not None:
            available = screen.availableGeometry()
            width = min(width, available.width() - 24)
            height = min(height, available.height() - 48)
        self.resize(width, height)

    def _has_desktop(self) -> bool:
        # desktop_folder() falls back to the home folder where there is no desktop (a bare X session).
        return self._desktop_folder() != Path.home()

    def _desktop_folder(self) -> Path:
        return self._desktop if self._desktop is not None else desktop_folder()

    # ---- navigation

    def page(self) -> int:
        return self.stack.currentIndex()

    def go_to(self, index: int) -> None:
        self.stack.setCurrentIndex(index)
        self.steps.set_current(index)
        if index == SAVE:
            self._fill_save_page()
        focus = {CONSENT: self.consent.collect_button, COLLECT: self._collect_focus(),
                 SAVE: self.save_page.desktop_button, SEND: self.send_page.close_button}[index]
        focus.setFocus(Qt.FocusReason.OtherFocusReason)

    def _collect_focus(self) -> QWidget:
        page = self.collect_page
        if self.worker is not None:
            return page.note
        if page.next_button.isEnabled():
            return page.next_button
        return page.again_button

    # ---- step 1: what is collected

    def _load_collectors(self) -> None:
        if self._loading_started:
            return
        self._loading_started = True
        if self._collectors is not None:
            from acronis_triage.collectors.context import running_elevated
            from acronis_triage.collectors.sysroot import host_os

            self._on_discovered({"classes": list(self._collectors), "host_os": host_os(),
                                 "elevated": running_elevated()})
            return
        task = Task(discover_collectors)
        task.signals.done.connect(self._on_discovered)
        task.signals.failed.connect(self._on_discovery_failed)
        self._keep(task)

    def _keep(self, task: Task) -> None:
        self._tasks.add(task)
        task.signals.finished.connect(lambda: self._tasks.discard(task))
        task.start(self._pool)

    def _on_discovery_failed(self, reason: str) -> None:
        self.consent.loading.setVisible(False)
        self.consent.problem.show_text(self.tr("This program cannot start collecting: %1. Please tell your "
                                               "technician.").replace("%1", reason))

    def _on_discovered(self, info: dict[str, Any]) -> None:
        classes = info["classes"]
        self._classes = classes
        target_os = "windows" if self.demo else info["host_os"]
        live = not self.demo
        wanted = self.preset.collectors
        if wanted is None:
            chosen = [c for c in classes if self.preset.include_slow or not c.is_slow()]
        else:
            chosen = [c for c in classes if c.name in wanted]
        self._chosen = chosen
        applicable = [c for c in chosen if target_os in c.platforms and (live or not c.needs_live)]
        for group in group_collectors((c.name, c.title, c.description) for c in applicable):
            self.consent.add_group(group.what, group.why)
        self.consent.loading.setVisible(False)
        self.consent.groups.setVisible(True)
        self.consent.details.setPlainText(self._details(applicable, chosen, classes))
        if live and not info["elevated"] and any(c.needs_admin for c in applicable):
            self.consent.admin_note.show_text(self._admin_text(target_os))
        if not applicable:
            self.consent.problem.show_text(self.tr(
                "Nothing of what your technician asked for can be collected on this computer. Please tell your "
                "technician."))
            return
        self.consent.collect_button.setEnabled(True)
        if self.page() == CONSENT:
            self.consent.collect_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _details(self, applicable: list[type[Collector]], chosen: list[type[Collector]],
                 classes: list[type[Collector]]) -> str:
        lines = [self.tr("Preset: %1").replace("%1", self.preset.name),
                 self.tr("Source: %1").replace("%1", self.tr("the built-in demo machine") if self.demo
                                               else self.tr("this computer")), ""]
        lines += [f"{c.name}: {c.description}" for c in applicable]
        skipped = [c.name for c in chosen if c not in applicable]
        if skipped:
            lines += ["", self.tr("Not for this computer: %1").replace("%1", ", ".join(skipped))]
        missing = self.preset.unknown_collectors(c.name for c in classes)
        if missing:
            lines += ["", self.tr("Not installed here: %1").replace("%1", ", ".join(missing))]
        return "\n".join(lines)

    def _admin_text(self, target_os: str) -> str:
        if target_os == "windows":
            how = self.tr("close this window, right-click the program and choose “Run as administrator”")
        else:
            how = self.tr("close this window and start the program again with sudo")
        return self.tr("Some information can only be read by an administrator. If you can, %1. Otherwise just "
                       "continue: your technician will see what is missing.").replace("%1", how)

    # ---- step 2: collecting

    @property
    def running(self) -> bool:
        return self.worker is not None

    def options(self) -> Any:
        from acronis_triage.app.pipeline import CollectOptions

        if self._staging is None:
            self._staging = Path(tempfile.mkdtemp(prefix="acronis-triage-guided-"))
        known = {c.name for c in self._classes}
        only = tuple(n for n in self.preset.collectors if n in known) if self.preset.collectors else ()
        # A folder as the output: the pipeline names the bundle as `collect --case-id` does, and puts the case ID
        # in the manifest.
        return CollectOptions(demo=self.demo, since_days=self.preset.since_days, output=self._staging, only=only,
                              include_slow=self.preset.include_slow, case_id=self.case_id or None)

    def start(self) -> None:
        if self.running or not self.consent.collect_button.isEnabled():
            return
        from acronis_triage.app.gui.worker import CollectWorker

        page = self.collect_page
        self._drop_staged()
        self._planned.clear()
        self._finished.clear()
        self._fractions.clear()
        self._phase_value = 0
        self.result = None
        page.title.setText(self.tr("Collecting the information…"))
        page.progress.setValue(0)
        page.progress.setFormat(self.tr("Starting…"))
        _say(page.now, self.tr("Starting…"))
        _say(page.elapsed, "")
        page.result.setVisible(False)
        page.next_button.setEnabled(False)
        page.again_button.setVisible(False)
        page.stop_button.setVisible(True)
        page.stop_button.setEnabled(True)

        kwargs: dict[str, Any] = {} if self._run is None else {"run": self._run}
        worker = CollectWorker(self.options(), collectors=self._collectors, **kwargs)
        worker.signals.progressed.connect(self._on_event)
        worker.signals.result.connect(self._on_result)
        worker.signals.errored.connect(self._on_error)
        worker.signals.finished.connect(self._on_finished)
        self.worker = worker
        self._started_at = time.monotonic()
        self._tick.start()
        self.go_to(COLLECT)
        worker.start()

    def stop(self) -> None:
        if self.worker is None or self.worker.cancelled or self.page() != COLLECT:
            return
        self.worker.cancel(USER_CANCEL_REASON)
        self.collect_page.stop_button.setEnabled(False)
        _say(self.collect_page.now, self.tr("Stopping… what was collected so far is being put in the file."))

    def collect_again(self) -> None:
        self.consent.collect_button.setEnabled(bool(self._classes))
        self.start()

    def _what(self, collector: str) -> str:
        for cls in self._chosen:
            if cls.name == collector:
                groups = group_collectors([(cls.name, cls.title, cls.description)])
                return groups[0].what
        return collector

    def _on_event(self, event: Any) -> None:
        page = self.collect_page
        kind = event.kind
        if kind == "planned":
            self._planned.add(event.collector)
        elif kind == "started":
            self._fractions[event.collector] = 0.0
        elif kind == "progress" and event.fraction is not None:
            self._fractions[event.collector] = max(0.0, min(1.0, event.fraction))
        elif kind == "finished":
            self._finished.add(event.collector)
            self._fractions.pop(event.collector, None)
        elif kind == "phase":
            for prefix, value in PHASES:
                if event.text.startswith(prefix):
                    self._phase_value = value
            page.progress.setValue(max(page.progress.value(), self._phase_value))
            _say(page.now, self._phase_text(event.text))
            return
        if self._phase_value or not self._planned:
            return
        done = len(self._finished) + sum(self._fractions.values())
        page.progress.setValue(round(COLLECT_SHARE * min(done, len(self._planned)) / len(self._planned)))
        page.progress.setFormat(self.tr("%p%"))
        running = list(dict.fromkeys(self._what(name) for name in self._fractions))
        if running:
            _say(page.now, self.tr("Now: %1").replace("%1", ", ".join(running)))

    def _phase_text(self, text: str) -> str:
        if text.startswith("analyzing"):
            return self.tr("Looking for known problems…")
        if text.startswith("writing"):
            return self.tr("Writing the report for your technician…")
        if text.startswith("verifying"):
            return self.tr("Checking the file…")
        return self.tr("Finishing…")

    def _show_elapsed(self, *, final: bool = False) -> None:
        seconds = max(1, round(time.monotonic() - self._started_at))
        minutes, secs = divmod(seconds, 60)
        if final:
            text = (self.tr("It took %1 s.").replace("%1", str(secs)) if not minutes else
                    self.tr("It took %1 min %2 s.").replace("%1", str(minutes)).replace("%2", str(secs)))
        else:
            text = (self.tr("Time so far: %1 s").replace("%1", str(secs)) if not minutes else
                    self.tr("Time so far: %1 min %2 s").replace("%1", str(minutes)).replace("%2", str(secs)))
        _say(self.collect_page.elapsed, text)

    def _on_result(self, result: Any) -> None:
        page = self.collect_page
        self.result = result
        cancelled = self.worker is not None and self.worker.cancelled
        page.stop_button.setVisible(False)
        page.again_button.setVisible(True)
        if result.bundle is None:
            page.title.setText(self.tr("The file could not be made"))
            page.progress.setValue(0)
            page.progress.setFormat(self.tr("Not finished"))
            _say(page.now, "")
            page.result.show_text(self.tr("The information could not be put in a file: %1. Press “Collect "
                                          "again”, or tell your technician this sentence.")
                                  .replace("%1", result.reason), QStyle.StandardPixmap.SP_MessageBoxCritical)
            return
        self.staged = result.bundle
        self.saved = None
        page.progress.setValue(BAR_MAX)
        page.progress.setFormat(self.tr("%p%"))
        _say(page.now, "")
        page.title.setText(self.tr("Stopped") if cancelled else self.tr("Done"))
        page.result.show_text(self._result_text(result, cancelled),
                              QStyle.StandardPixmap.SP_MessageBoxWarning if cancelled or result.exit_code
                              else QStyle.StandardPixmap.SP_DialogApplyButton)
        page.next_button.setEnabled(True)

    def _result_text(self, result: Any, cancelled: bool) -> str:
        parts = []
        if cancelled:
            parts.append(self.tr("You stopped the collection. What was collected until then is in the file."))
        elif result.exit_code == 0:
            parts.append(self.tr("Everything was collected."))
        else:
            parts.append(self.tr("Most of the information was collected. Some of it could not be read (often "
                                 "because administrator rights are missing); the file tells your technician "
                                 "what is missing."))
        host = (result.manifest or {}).get("host") or {}
        if host.get("live") and not (result.manifest or {}).get("products"):
            parts.append(self.tr("No Acronis program was found on this computer. If you expected one, tell your "
                                 "technician; send the file anyway."))
        found = len((result.findings or {}).get("findings") or [])
        if found:
            parts.append(self.tr("A first check already recognises known problems (%1). Your technician will see "
                                 "the details in the file.").replace("%1", str(found)))
        parts.append(self.tr("Press Next to save the file."))
        return "\n\n".join(parts)

    def _on_error(self, summary: str, details: str) -> None:
        log.error("guided collection failed: %s", details)
        page = self.collect_page
        page.title.setText(self.tr("Something went wrong"))
        page.progress.setValue(0)
        page.progress.setFormat(self.tr("Not finished"))
        _say(page.now, "")
        page.stop_button.setVisible(False)
        page.again_button.setVisible(True)
        page.result.show_text(self.tr("The program stopped on an internal error: %1. Press “Collect again”, or "
                                      "tell your technician this sentence.").replace("%1", summary),
                              QStyle.StandardPixmap.SP_MessageBoxCritical)

    def _on_finished(self) -> None:
        # Kept until the next run ends: the relay thread may still be unwinding right now.
        self._previous_worker = self.worker
        self.worker = None
        self._tick.stop()
        self._show_elapsed(final=True)
        if self._close_when_done:
            self.close()
            return
        # Someone writing what happened keeps the focus (their next Space must not press Next); otherwise the
        # focus goes to what comes next.
        note = self.collect_page.note
        if self.page() == COLLECT and not (note.hasFocus() and note.toPlainText().strip()):
            self._collect_focus().setFocus(Qt.FocusReason.OtherFocusReason)

    # ---- step 3: save

    def _fill_save_page(self) -> None:
        page = self.save_page
        page.error.setVisible(False)
        if self.staged is None:
            return
        size = self.staged.stat().st_size if self.staged.exists() else 0
        where = self._desktop_folder()
        page.explain.setText(self.tr("The file holds all the information collected. Save it where you will find "
                                     "it again: %1").replace("%1", str(where)))
        page.file.setText(self.tr("%1 (%2)").replace("%1", self.staged.name).replace("%2", self._size_text(size)))
        has_note = bool(self.collect_page.note.toPlainText().strip())
        page.note_state.setText(self.tr("Your description of what happened is put in the file.") if has_note else
                                self.tr("You have not written what happened. It helps your technician: press Back "
                                        "to add a few words, or save without them."))

    def _size_text(self, size: int) -> str:
        if size < 1024 * 1024:
            return self.tr("%1 KB").replace("%1", str(max(1, round(size / 1024))))
        return self.tr("%1 MB").replace("%1", QLocale().toString(size / (1024 * 1024), "f", 1))

    def save_to_desktop(self) -> None:
        if self.staged is not None:
            self._save(self._desktop_folder() / self.staged.name)

    def save_elsewhere(self) -> None:
        if self.staged is None:
            return
        target = dialogs.ask_save_path(self, self._desktop_folder() / self.staged.name)
        if target is not None:
            self._save(target)

    def _save(self, target: Path) -> None:
        from acronis_triage.app.gui.guided.save import SaveRequest, save_bundle

        if self._saving or self.staged is None:
            return
        request = SaveRequest(self.staged, target, self.collect_page.note.toPlainText(), self.case_id,
                              self.preset.name)
        self._saving = True
        page = self.save_page
        page.error.setVisible(False)
        for button in (page.back_button, page.other_button, page.desktop_button):
            button.setEnabled(False)
        page.note_state.setText(self.tr("Saving…"))
        task = Task(lambda: save_bundle(request))
        task.signals.done.connect(self._on_saved)
        task.signals.failed.connect(self._on_save_failed)
        task.signals.finished.connect(self._save_ended)
        self._keep(task)

    def _save_ended(self) -> None:
        if not self._saving:
            return
        self._saving = False
        for button in (self.save_page.back_button, self.save_page.other_button, self.save_page.desktop_button):
            button.setEnabled(True)
        if self._close_when_done:
            self.close()

    def _on_save_failed(self, reason: str) -> None:
        self._save_ended()
        self._fill_save_page()
        self.save_page.error.show_text(self.tr("The file could not be saved there: %1. Choose another place with "
                                               "“Save somewhere else…”.").replace("%1", reason))
        self.save_page.other_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_saved(self, path: Path) -> None:
        self.saved = path
        self._fill_send_page()
        self.go_to(SEND)
        # The result comes before the task's end: the window is ready for Finish from this moment.
        self._save_ended()

    # ---- step 4: send

    def _fill_send_page(self) -> None:
        page = self.send_page
        saved = self.saved
        assert saved is not None
        on_desktop = saved.parent == self._desktop_folder() and self._has_desktop()
        page.saved.setText(self.tr("The file is saved on your Desktop:") if on_desktop
                           else self.tr("The file is saved here:"))
        page.path.setText(str(saved))
        page.path.setCursorPosition(0)
        steps = [self.tr("1. Write an e-mail to your technician, or open the upload page they gave you."),
                 self.tr("2. Attach the file %1.").replace("%1", saved.name)]
        if self.case_id:
            steps.append(self.tr("3. Write your case number %1 in the subject.").replace("%1", self.case_id))
        else:
            steps.append(self.tr("3. Write in one sentence which computer the file comes from."))
        page.steps.setText("\n".join(steps))
        send_to = self.preset.text("send_to", self.language) if self.preset.send_to else ""
        page.send_to.setText(self.tr("Send it to: %1").replace("%1", send_to))
        page.send_to.setVisible(bool(send_to))
        size = saved.stat().st_size
        if size > LARGE_FILE:
            page.size_note.show_text(self.tr("The file is large (%1). Many e-mail services refuse attachments this "
                                             "big: ask your technician for an upload link.")
                                     .replace("%1", self._size_text(size)))
        else:
            page.size_note.setVisible(False)
        page.feedback.setText("")

    def show_file(self) -> None:
        if self.saved is None:
            return
        if self.open_folder(self.saved.parent):
            self.send_page.feedback.setText("")
            return
        self.send_page.feedback.setText(self.tr("The folder could not be opened on this computer. The file is "
                                                "here: %1").replace("%1", str(self.saved)))

    def copy_location(self) -> None:
        if self.saved is None:
            return
        QGuiApplication.clipboard().setText(str(self.saved))
        self.send_page.feedback.setText(self.tr("The file's location is copied. Paste it with Ctrl+V, for example "
                                                "into the e-mail's attachment dialog."))

    # ---- closing

    def _drop_staged(self) -> None:
        if self.staged is not None:
            self.staged.unlink(missing_ok=True)
        self.staged = None
        self.saved = None

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.worker is not None:
            event.ignore()
            if self._close_when_done or dialogs.ask_stop_and_close(self):
                self._close_when_done = True
                self.worker.cancel(USER_CANCEL_REASON)
            return
        if self._saving:
            event.ignore()
            self._close_when_done = True
            return
        if (self.staged is not None and self.saved is None and not self._close_when_done
                and not dialogs.ask_close_unsaved(self)):
            event.ignore()
            return
        if self._staging is not None:
            shutil.rmtree(self._staging, ignore_errors=True)
            self._staging = None
            self.staged = None
        event.accept()
