"""The technician's window: one step navigator over the whole workflow, from the problem to the exported bundle.

Problem → Collect → Findings → Escalation form → Export, and the contents of a bundle (the back-office view of a
received one). Every step can be reached at any time (Ctrl+1 … Ctrl+6, Alt+Left/Alt+Right, the Go menu); each
sits in a scroll area, so the window fits a 1024×600 screen. The collection runs in a child process
(`app.gui.worker`); other long work (opening a bundle, analyzing a file, loading a log) runs on pool threads.
"""

from __future__ import annotations

import importlib.util
import logging
import socket
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSettings, QSize, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QResizeEvent,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from acronis_triage.app.gui import case as cases
from acronis_triage.app.gui import dialogs, export_hooks
from acronis_triage.app.gui.case import Case
from acronis_triage.app.gui.checklist_model import ChecklistModel
from acronis_triage.app.gui.collect_step import BAR_MAX, SOURCE_DEMO, SOURCE_LIVE, SOURCE_OFFLINE, CollectStep
from acronis_triage.app.gui.contents_step import ContentsStep
from acronis_triage.app.gui.export_step import ExportStep
from acronis_triage.app.gui.findings_step import FindingsStep
from acronis_triage.app.gui.form_step import FormStep
from acronis_triage.app.gui.jobs import Jobs
from acronis_triage.app.gui.log_viewer import LogViewerDialog
from acronis_triage.app.gui.problem_step import ProblemStep
from acronis_triage.app.gui.result_panel import PRODUCTS_COLLECTOR, no_product_reason
from acronis_triage.app.gui.settings import AppSettings, clamp_rect
from acronis_triage.app.gui.style import RUNNING, format_bytes, format_duration
from acronis_triage.app.gui.worker import CollectWorker, RunFunction
from acronis_triage.app.pipeline import CollectOptions, CollectResult, default_bundle_name
from acronis_triage.collectors.base import Collector, Status
from acronis_triage.collectors.engine import EngineEvent
from acronis_triage.collectors.registry import discover
from acronis_triage.collectors.sysroot import detect_layout, host_os

log = logging.getLogger(__name__)

__all__ = ["SOURCE_DEMO", "SOURCE_LIVE", "SOURCE_OFFLINE", "MainWindow"]

PROBLEM, COLLECT, FINDINGS, FORM, EXPORT, CONTENTS = range(6)

# The demo machine is a recorded Windows system (`app.pipeline.resolve_root`).
DEMO_OS = "windows"

# The overall bar: collectors fill the first part, then each pipeline phase moves it on.
COLLECT_SHARE = 800
PHASE_STEPS = (850, 920, 970)
# Time left is guessed from the share done once there is something to go on.
ESTIMATE_AFTER_S, ESTIMATE_AFTER_FRACTION = 3.0, 0.05

# Written into the manifest, which Acronis support reads: kept in English on purpose.
USER_CANCEL_REASON = "cancelled by the user"

DEFAULT_SIZE = (1120, 800)


class PageHolder(QWidget):
    """Holds a step's page inside its scroll area, sized to the viewport and never below the page's minimum.

    A scroll area asks a widget whose layout has height-for-width (any word-wrapped label) for its *preferred*
    height, and so scrolls pages that would fit; this holder has no layout and reports the page's minimum.
    """

    def __init__(self, page: QWidget) -> None:
        super().__init__()
        self.page = page
        page.setParent(self)
        page.installEventFilter(self)

    def minimumSizeHint(self) -> QSize:
        return self.page.minimumSizeHint().expandedTo(self.page.minimumSize())

    def sizeHint(self) -> QSize:
        return self.minimumSizeHint()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.page.setGeometry(self.rect())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.page and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()  # the scroll area re-reads the minimum (a banner or the result panel appeared)
        return False


def default_output_folder() -> Path:
    documents = Path.home() / "Documents"
    return documents if documents.is_dir() else Path.home()


def guided_available() -> bool:
    """The guided mode for end users is a package of its own; the window offers it when it is installed."""
    try:
        return importlib.util.find_spec("acronis_triage.app.gui.guided") is not None
    except (ImportError, ValueError):
        return False


class MainWindow(QMainWindow):
    """The technician's window.

    Args:
        collectors: run these collector classes instead of the discovered ones (tests, plugins).
        run: call this in this process instead of `run_collect` in a child process (tests pass spies and
            stand-ins; see `app.gui.worker`).
        settings: where remembered settings live (default: the user's QSettings).
    """

    def __init__(self, *, collectors: list[type[Collector]] | None = None, run: RunFunction | None = None,
                 settings: QSettings | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._collectors = collectors
        # Discovering the collectors imports every collector module (~0.4 s): done after the first paint, on a pool
        # thread, unless the caller gives them.
        self._classes: list[type[Collector]] = list(collectors) if collectors is not None else []
        self.collectors_ready = collectors is not None
        self._run = run
        self.settings = AppSettings(settings)
        self.worker: CollectWorker | None = None
        self._previous_worker: CollectWorker | None = None
        self._auto_output_text = ""  # the last name the window made up; such a name follows the source and clock
        self._close_when_done = False
        self._phase = 0
        self._part_path: Path | None = None
        self._run_started = 0.0
        self.last_result: CollectResult | None = None
        self.case: Case | None = None
        self.viewer: LogViewerDialog | None = None
        self.paste_dialog: Any = None
        self._fitted = False

        self.setWindowTitle(self.tr("Acronis Triage"))
        self.setAcceptDrops(True)
        self.checklist = ChecklistModel(self)
        self._open_jobs = Jobs(self)
        self._open_jobs.done.connect(self._opened)
        self._open_jobs.failed.connect(self._open_failed)

        self._build_steps()
        self._build_actions()
        self._build_layout()
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._on_tick)

        self._source_changed(self.source())
        self._set_running(False)
        self.go_to(PROBLEM)
        self._restore_geometry()
        if not self.collectors_ready:
            self._discovery = Jobs(self)
            self._discovery.done.connect(self._discovered)
            self._discovery.failed.connect(lambda summary, _details: self.status_line.setText(
                self.tr("The collectors could not be loaded: %1").replace("%1", summary)))
            QTimer.singleShot(0, lambda: self._discovery.submit(_load_for_the_window))
        self.statusBar().showMessage(self.tr("Describe the problem, then collect (Ctrl+2) and press Start "
                                             "(Ctrl+R); or open a received bundle (Ctrl+O)."))

    # ---- construction

    def _build_steps(self) -> None:
        self.problem_step = ProblemStep()
        self.collect_step = CollectStep(self._classes)
        self.findings_step = FindingsStep(self.checklist)
        self.form_step = FormStep(self.checklist, self.settings)
        self.export_step = ExportStep(self.settings.redaction_level())
        self.contents_step = ContentsStep()
        self.steps: list[tuple[str, QWidget]] = [
            (self.tr("Problem"), self.problem_step),
            (self.tr("Collect"), self.collect_step),
            (self.tr("Findings"), self.findings_step),
            (self.tr("Escalation form"), self.form_step),
            (self.tr("Export"), self.export_step),
            (self.tr("Bundle contents"), self.contents_step),
        ]

        c = self.collect_step
        # The parts tests and the rest of the window reach directly.
        self.live_radio, self.demo_radio, self.offline_radio = c.live_radio, c.demo_radio, c.offline_radio
        self.source_group, self.offline_field, self.offline_browse = c.source_group, c.offline_field, c.offline_browse
        self.slow_option, self.table, self.hide_na_check = c.slow_option, c.table, c.hide_na_check
        self.model, self.visible_rows = c.model, c.visible_rows
        self.progress, self.status_line, self.result_panel = c.progress, c.status_line, c.result_panel
        self.start_button, self.cancel_button = c.start_button, c.cancel_button
        self.days_spin = self.problem_step.days_spin
        self.output_field, self.output_browse = self.export_step.output_field, self.export_step.output_browse

        c.sourceChanged.connect(self._source_clicked)
        c.browseOffline.connect(self.browse_offline)
        c.changeDestination.connect(lambda: self.go_to(EXPORT, focus=self.output_field))
        c.restartElevated.connect(self.restart_elevated)
        c.showFindings.connect(lambda: self.go_to(FINDINGS))
        c.start_button.clicked.connect(self.start)
        c.cancel_button.clicked.connect(self.cancel)
        self.offline_field.editingFinished.connect(self._offline_edited)
        self.export_step.browseDestination.connect(self.browse_output)
        self.export_step.destinationChanged.connect(self._update_destination)
        self.export_step.redaction_combo.currentIndexChanged.connect(self._update_destination)
        self.problem_step.changed.connect(lambda: self.form_step.take_problem(self.problem_step.answers()))
        self.problem_step.paste.showInFindings.connect(self._show_paste_analysis)
        self.findings_step.openEvidence.connect(self.open_evidence)
        self.form_step.showChecklist.connect(self.show_checklist)

    def _build_layout(self) -> None:
        self.navigator = QListWidget()
        self.navigator.setAccessibleName(self.tr("Steps"))
        self.navigator.setFrameShape(QFrame.Shape.NoFrame)
        for number, (title, _page) in enumerate(self.steps, 1):
            item = QListWidgetItem(f"{number}  {title}")
            item.setToolTip(self.tr("%1 (Ctrl+%2)").replace("%1", title).replace("%2", str(number)))
            self.navigator.addItem(item)
        width = max(self.navigator.sizeHintForColumn(0), self.fontMetrics().averageCharWidth() * 16) + 24
        self.navigator.setFixedWidth(width)
        self.navigator.currentRowChanged.connect(self._show_step)

        self.back_button = QPushButton(self.tr("◀ Back"))
        self.back_button.setToolTip(self.tr("The previous step (Alt+Left)"))
        self.back_button.clicked.connect(self.go_back)
        self.next_button = QPushButton(self.tr("Next ▶"))
        self.next_button.setToolTip(self.tr("The next step (Alt+Right)"))
        self.next_button.clicked.connect(self.go_next)
        for button in (self.back_button, self.next_button):
            button.setAutoDefault(False)
        nav_buttons = QHBoxLayout()
        nav_buttons.setContentsMargins(0, 0, 0, 0)
        nav_buttons.addWidget(self.back_button)
        nav_buttons.addWidget(self.next_button)
        side = QWidget()
        side.setFixedWidth(width)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.navigator, 1)
        side_layout.addLayout(nav_buttons)
        self.back_button.setMinimumWidth(0)
        self.next_button.setMinimumWidth(0)

        self.stack = QStackedWidget()
        self.scroll_areas: list[QScrollArea] = []
        for _title, page in self.steps:
            area = QScrollArea()
            area.setWidgetResizable(True)
            area.setFrameShape(QFrame.Shape.NoFrame)
            # The scroll area itself is no stop for Tab; it follows the focus down the page instead.
            area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            area.setWidget(PageHolder(page))
            self.scroll_areas.append(area)
            self.stack.addWidget(area)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(side)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        QWidget.setTabOrder(self.navigator, self.back_button)
        QWidget.setTabOrder(self.back_button, self.next_button)

    def _build_actions(self) -> None:
        self.start_action = QAction(self.tr("&Start collection"), self)
        self.start_action.setShortcut(QKeySequence("Ctrl+R"))
        self.start_action.setStatusTip(self.tr("Collect, analyze and write the support bundle"))
        self.start_action.triggered.connect(self.start)
        self.collect_step.start_button.setStatusTip(self.start_action.statusTip())
        self.cancel_action = QAction(self.tr("&Cancel collection"), self)
        self.cancel_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.cancel_action.setStatusTip(self.tr("Stop now; what was collected so far is still saved"))
        self.cancel_action.triggered.connect(self.cancel)
        self.collect_step.cancel_button.setStatusTip(self.cancel_action.statusTip())
        self.open_action = QAction(self.tr("&Open a received bundle…"), self)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.open_action.setStatusTip(self.tr("Findings, manifest, files and escalation form of a bundle someone "
                                              "sent you (you can also drop it on the window)"))
        self.open_action.triggered.connect(self.ask_open_bundle)
        self.analyze_action = QAction(self.tr("&Analyze a log file or archive…"), self)
        self.analyze_action.setShortcut(QKeySequence("Ctrl+Shift+O"))
        self.analyze_action.setStatusTip(self.tr("A log, an Acronis system report .zip or a .7z: known issues "
                                                 "and the errors no signature explains"))
        self.analyze_action.triggered.connect(self.ask_analyze_file)
        self.analyze_folder_action = QAction(self.tr("Analyze a &folder of logs…"), self)
        self.analyze_folder_action.triggered.connect(self.ask_analyze_folder)
        self.paste_action = QAction(self.tr("Analyze a &pasted error"), self)
        self.paste_action.setShortcut(QKeySequence("Ctrl+E"))
        self.paste_action.setStatusTip(self.tr("Paste an error message or log lines and see the known issue or the "
                                               "articles it looks like"))
        self.paste_action.triggered.connect(self.focus_paste)
        self.settings_action = QAction(self.tr("Se&ttings…"), self)
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.settings_action.triggered.connect(self.open_settings)
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        quit_action.triggered.connect(self.close)

        file_menu = self.menuBar().addMenu(self.tr("&File"))
        for action in (self.start_action, self.cancel_action, None, self.open_action, self.analyze_action,
                       self.analyze_folder_action, self.paste_action, None, self.settings_action, None,
                       quit_action):
            if action is None:
                file_menu.addSeparator()
            else:
                file_menu.addAction(action)

        go_menu = self.menuBar().addMenu(self.tr("&Go"))
        self.step_actions: list[QAction] = []
        for number, (title, _page) in enumerate(self.steps, 1):
            action = QAction(f"&{number} {title}", self)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.triggered.connect(lambda _checked=False, step=number - 1: self.go_to(step))
            go_menu.addAction(action)
            self.step_actions.append(action)
        go_menu.addSeparator()
        self.back_action = QAction(self.tr("&Back"), self)
        self.back_action.setShortcuts([QKeySequence("Alt+Left"), QKeySequence("Ctrl+PgUp")])
        self.back_action.triggered.connect(self.go_back)
        self.next_action = QAction(self.tr("&Next"), self)
        self.next_action.setShortcuts([QKeySequence("Alt+Right"), QKeySequence("Ctrl+PgDown")])
        self.next_action.triggered.connect(self.go_next)
        go_menu.addAction(self.back_action)
        go_menu.addAction(self.next_action)
        for action in (self.start_action, self.cancel_action, self.back_action, self.next_action,
                       *self.step_actions):
            self.addAction(action)

        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self.guided_action = QAction(self.tr("&Guided mode for an end user…"), self)
        self.guided_action.setStatusTip(self.tr("Big, plain steps someone who has never heard of VSS can follow"))
        self.guided_action.triggered.connect(self.open_guided)
        self.guided_action.setVisible(guided_available())
        help_menu.addAction(self.guided_action)
        shortcuts_action = QAction(self.tr("&Keyboard shortcuts"), self)
        shortcuts_action.setShortcut(QKeySequence.StandardKey.HelpContents)
        shortcuts_action.triggered.connect(self.show_shortcuts)
        help_menu.addAction(shortcuts_action)
        help_menu.addSeparator()
        about_action = QAction(self.tr("&About Acronis Triage"), self)
        about_action.setMenuRole(QAction.MenuRole.AboutRole)
        about_action.triggered.connect(self.show_about)
        help_menu.addAction(about_action)
        about_qt = QAction(self.tr("About &Qt"), self)
        about_qt.setMenuRole(QAction.MenuRole.AboutQtRole)
        about_qt.triggered.connect(QApplication.aboutQt)
        help_menu.addAction(about_qt)
        # Ctrl+Tab switches steps as it switches tabs elsewhere: it never cycles inside a table.
        QShortcut(QKeySequence("Ctrl+Tab"), self, activated=self.go_next)
        QShortcut(QKeySequence("Ctrl+Shift+Tab"), self, activated=self.go_back)

    def _discovered(self, classes: object) -> None:
        assert isinstance(classes, list)
        self._classes = classes
        self.collectors_ready = True
        self.collect_step.set_classes(classes)
        self._source_changed(self.source())

    # ---- size and place

    def _restore_geometry(self) -> None:
        saved = self.settings.geometry()
        if saved is None or not self.restoreGeometry(saved):
            width, height = DEFAULT_SIZE
            self.resize(width, height)
        self.fit_to_screen()

    def fit_to_screen(self) -> None:
        """All of the window on its screen: a size saved on a larger screen shrinks, a place off it moves in."""
        screen = self.screen() or QApplication.primaryScreen()
        if screen is None:
            return
        available = screen.availableGeometry()
        frame = self.frameGeometry()
        extra_w, extra_h = frame.width() - self.width(), frame.height() - self.height()
        target = clamp_rect(frame, available)
        if self.isMaximized() or self.isFullScreen():
            return
        self.resize(max(target.width() - extra_w, 1), max(target.height() - extra_h, 1))
        self.move(target.topLeft())

    # ---- steps

    def current_step(self) -> int:
        return self.navigator.currentRow()

    def go_to(self, step: int, focus: QWidget | None = None) -> None:
        self.navigator.setCurrentRow(max(0, min(step, len(self.steps) - 1)))
        if focus is not None:
            focus.setFocus()

    def go_back(self) -> None:
        self.go_to(self.current_step() - 1)

    def go_next(self) -> None:
        self.go_to(self.current_step() + 1)

    def _show_step(self, row: int) -> None:
        if row < 0:
            return
        self.stack.setCurrentIndex(row)
        self.back_button.setEnabled(row > 0)
        self.next_button.setEnabled(row < len(self.steps) - 1)
        self.back_action.setEnabled(row > 0)
        self.next_action.setEnabled(row < len(self.steps) - 1)

    def show_checklist(self) -> None:
        self.go_to(FINDINGS)
        self.findings_step.tabs.setCurrentIndex(self.findings_step.checklist_tab)
        self.findings_step.checklist_view.setFocus()

    def focus_paste(self) -> None:
        self.go_to(PROBLEM, focus=self.problem_step.paste.editor)

    # ---- choices

    def source(self) -> int:
        return self.collect_step.source()

    def _source_clicked(self, source: int) -> None:
        self.collect_step.show_offline_row(source == SOURCE_OFFLINE)
        if source == SOURCE_OFFLINE and not self.offline_field.text().strip():
            self.browse_offline()
        self._source_changed(source)

    def _offline_edited(self) -> None:
        self._source_changed(self.source())

    def _source_changed(self, source: int) -> None:
        self._refresh_default_output()
        self._refresh_slow_option()
        target = self._target_os()
        live = source == SOURCE_LIVE
        self.collect_step.list_collectors(target, live=live)
        self._update_admin_banner()
        self.collect_step.product_banner.setVisible(False)
        self.collect_step.demo_banner.setVisible(source == SOURCE_DEMO)
        if source == SOURCE_DEMO:
            self.collect_step.demo_banner.show_message(self.tr(
                "Demo machine: a recorded Windows server with known Acronis problems. Nothing is read from this "
                "computer."))
        self._update_destination()

    def _update_admin_banner(self) -> None:
        from acronis_triage.collectors.context import running_elevated

        banner = self.collect_step.admin_banner
        if self.source() != SOURCE_LIVE or running_elevated():
            banner.setVisible(False)
            return
        target = self._target_os()
        needing = [cls.title for cls in self._classes if cls.needs_admin and (target is None or target in
                                                                               cls.platforms)]
        if not needing:
            banner.setVisible(False)
            return
        from acronis_triage.app.gui.elevate import can_restart_elevated, manual_command

        text = self.tr("Not running as administrator: %1 cannot run and will be recorded as not applicable.") \
            .replace("%1", ", ".join(needing))
        if can_restart_elevated():
            banner.show_message(text, self.tr("Restart as &administrator"))
        else:
            banner.show_message(text + " " + self.tr("To include them, start the tool with: %1")
                                .replace("%1", manual_command()))

    def restart_elevated(self) -> None:
        from acronis_triage.app.gui.elevate import restart_elevated

        problem = restart_elevated()
        if problem is not None:
            self.statusBar().showMessage(problem, 15000)
            self.collect_step.admin_banner.show_message(
                self.collect_step.admin_banner.text.text() + " " + problem)
            return
        self.statusBar().showMessage(self.tr("A new window starts with administrator rights once you confirm; "
                                             "you can close this one."), 15000)

    def browse_offline(self) -> None:
        current = self.offline_field.text().strip()
        folder = dialogs.ask_offline_folder(self, Path(current) if current else Path.home())
        if folder is not None:
            self.offline_field.setText(str(folder))
            self._source_changed(self.source())

    def browse_output(self) -> None:
        path = dialogs.ask_bundle_path(self, self.output_path() or self._output_folder())
        if path is not None:
            self.output_field.setText(str(path))
            self._update_destination()

    def _output_folder(self) -> Path:
        folder = self.settings.output_folder()
        return folder if folder is not None and folder.is_dir() else default_output_folder()

    def _target_host(self) -> str:
        # The same names the pipeline gives an offline root, so the file says which machine it holds.
        source = self.source()
        if source == SOURCE_DEMO:
            return "offline-demo"
        if source == SOURCE_OFFLINE:
            folder = self.offline_field.text().strip()
            return "offline-" + (Path(folder).name if folder else "folder")
        return socket.gethostname()

    def _target_os(self) -> str | None:
        """The operating system the chosen source holds; None while an offline folder says nothing yet."""
        source = self.source()
        if source == SOURCE_DEMO:
            return DEMO_OS
        if source == SOURCE_OFFLINE:
            text = self.offline_field.text().strip()
            folder = Path(text).expanduser()
            return detect_layout(folder) if text and folder.is_dir() else None
        return host_os()

    def _refresh_slow_option(self) -> None:
        self.slow_option.show_for(self._target_os(), live=self.source() == SOURCE_LIVE)

    def _refresh_default_output(self) -> None:
        text = self.output_field.text().strip()
        if text and text != self._auto_output_text:
            return
        current = self.output_path()
        folder = current.parent if current is not None else self._output_folder()
        self._auto_output_text = str(folder / default_bundle_name(self._target_host()))
        self.output_field.setText(self._auto_output_text)
        self._update_destination()

    def _update_destination(self) -> None:
        output = self.output_path()
        text = self.tr("Next bundle: %1 (%2)").replace("%1", str(output) if output else self.tr("not chosen")) \
            .replace("%2", self.export_step.summary())
        self.collect_step.destination.setText(text)

    def output_path(self) -> Path | None:
        return self.export_step.output_path()

    def options(self) -> CollectOptions | str:
        """The options for a run, or the sentence that says what is missing."""
        source = self.source()
        root = None
        if source == SOURCE_OFFLINE:
            text = self.offline_field.text().strip()
            if not text:
                return self.tr("Choose the folder of the offline system first.")
            root = Path(text).expanduser()
            if not root.is_dir():
                return self.tr("The offline folder %1 does not exist.").replace("%1", str(root))
        output = self.output_path()
        if output is None:
            return self.tr("Choose where to save the bundle first.")
        if not output.is_dir() and not output.parent.is_dir():
            return self.tr("The folder %1 does not exist; choose another place for the bundle.").replace(
                "%1", str(output.parent))
        chosen = self.model.chosen()
        if self.model.rowCount() and not chosen:
            return self.tr("No collector is ticked; tick at least one, or choose a preset.")
        choices = self.export_step.choices(self.settings.keywords())
        if isinstance(choices, str):
            return choices
        options = CollectOptions(root=root, demo=source == SOURCE_DEMO, since_days=float(self.days_spin.value()),
                                 output=output, include_slow=self.slow_option.include_slow(),
                                 exclude=tuple(sorted(self.model.unchosen())))
        self.apply_export_options(options, choices)
        return options

    def apply_export_options(self, options: CollectOptions, choices: export_hooks.ExportChoices) -> list[str]:
        """Hook for the export work: format, redaction, password, split, case ID and keywords reach the run
        through the `CollectOptions` fields that exist (see `app.gui.export_hooks`)."""
        return export_hooks.apply(options, choices)

    # ---- running

    @property
    def running(self) -> bool:
        return self.worker is not None

    def start(self) -> None:
        if self.running:
            return
        if not self.collectors_ready:
            self.go_to(COLLECT)
            self.status_line.setText(self.tr("Still loading the collectors; start again in a moment."))
            return
        self._refresh_default_output()
        self._refresh_slow_option()
        options = self.options()
        if isinstance(options, str):
            self.go_to(COLLECT)
            self.status_line.setText(options)
            self.statusBar().showMessage(options, 8000)
            return
        output = options.output
        if output is not None and output.is_file() and not dialogs.ask_overwrite(self, output):
            text = self.tr("Not started: %1 already exists. Choose another name on the Export step.").replace(
                "%1", str(output))
            self.status_line.setText(text)
            self.statusBar().showMessage(text, 8000)
            return
        self.go_to(COLLECT)
        self.model.begin_run()
        self.collect_step._update_hidden_count()
        self.collect_step.product_banner.setVisible(False)
        self.result_panel.clear()
        self.result_panel.setVisible(False)
        self.last_result = None
        self._phase = 0
        self._part_path = None
        self._run_started = time.monotonic()
        self.progress.setValue(0)
        self.progress.setFormat(self.tr("Starting…"))
        self.collect_step.progress_detail.clear()
        self.status_line.setVisible(True)
        self.status_line.setText(self.tr("Starting the collection…"))

        worker = CollectWorker(options, collectors=self._collectors, run=self._run)
        worker.signals.progressed.connect(self._on_event)
        worker.signals.result.connect(self._on_result)
        worker.signals.errored.connect(self._on_error)
        worker.signals.finished.connect(self._on_finished)
        self.worker = worker
        self._set_running(True)
        worker.start()

    def cancel(self) -> None:
        if self.worker is None or self.worker.cancelled:
            return
        self.worker.cancel(USER_CANCEL_REASON)
        self.cancel_button.setEnabled(False)
        self.cancel_action.setEnabled(False)
        self.status_line.setText(self.tr("Cancelling: stopping the collectors and saving what was collected so "
                                         "far…"))

    def _set_running(self, running: bool) -> None:
        self.collect_step.set_running(running)
        for widget in (self.days_spin, self.output_field, self.output_browse):
            widget.setEnabled(not running)
        for action in (self.start_action, self.open_action, self.analyze_action, self.analyze_folder_action):
            action.setEnabled(not running)
        self.cancel_action.setEnabled(running)
        if running:
            self._tick.start()
        else:
            self._tick.stop()

    def _on_event(self, event: EngineEvent) -> None:
        self.model.apply(event)
        if event.kind == "bundle":
            self._part_path = Path(event.text) if event.text else None
            return
        if event.kind == "finished":
            self.collect_step._update_hidden_count()
            if event.collector == PRODUCTS_COLLECTOR and event.status == Status.NOT_APPLICABLE:
                self._show_no_product(event.text)
        planned = self.model.planned_count()
        done = self.model.finished_count()
        if event.kind == "phase":
            self._phase += 1
            step = PHASE_STEPS[min(self._phase, len(PHASE_STEPS)) - 1]
            self.progress.setValue(step)
            text = event.text[:1].upper() + event.text[1:]
            self.progress.setFormat(text + "…")
            self.status_line.setText(text + "…")
            return
        if planned and self._phase == 0:
            self.progress.setValue(round(COLLECT_SHARE * self.model.done_units() / planned))
            self.progress.setFormat(self.tr("%1 of %2 collectors done").replace("%1", str(done))
                                    .replace("%2", str(planned)))
        if event.kind in ("started", "finished"):
            running = [r.title for r in self.model.rows() if r.state == RUNNING]
            if running:
                self.status_line.setText(self.tr("Collecting: %1").replace("%1", ", ".join(running)))
            elif done == planned:
                self.status_line.setText(self.tr("All collectors have ended."))

    def _show_no_product(self, reason: str) -> None:
        # Shown whatever the table hides: a bundle without Acronis in it is rarely what the technician wanted.
        text = self.tr("No Acronis product was found on this system (%1). The bundle will hold the system facts "
                       "only. Is this the right machine? For a copy of a system, choose its folder.").replace(
            "%1", reason or self.tr("nothing found"))
        self.collect_step.product_banner.show_message(text, self.tr("Choose an offline folde&r…"))

    def _on_tick(self) -> None:
        self.model.refresh_running()
        if self.worker is None or self.last_result is not None:
            return  # the result's own figures stay while the child process exits
        parts = []
        if self._part_path is not None:
            try:
                parts.append(self.tr("%1 written").replace("%1", format_bytes(self._part_path.stat().st_size)))
            except OSError:
                pass
        elapsed = time.monotonic() - self._run_started
        fraction = self.progress.value() / BAR_MAX
        if elapsed >= ESTIMATE_AFTER_S and fraction >= ESTIMATE_AFTER_FRACTION and fraction < 1:
            left = elapsed * (1 - fraction) / fraction
            parts.append(self.tr("about %1 left").replace("%1", format_duration(left)))
        elif elapsed >= 1:
            parts.append(self.tr("%1 so far").replace("%1", format_duration(elapsed)))
        self.collect_step.progress_detail.setText(" · ".join(parts))

    def _on_result(self, result: CollectResult) -> None:
        self.last_result = result
        # First: QProgressBar.setValue repaints at once, and after the changes below that would be the whole step.
        self.progress.setValue(BAR_MAX if result.bundle is not None else 0)
        cancelled = self.worker is not None and self.worker.cancelled
        self.model.apply_outcomes(result.outcomes)
        self.collect_step._update_hidden_count()
        self.result_panel.show_result(result, cancelled=cancelled)
        self.result_panel.setVisible(True)
        reason = no_product_reason(result.outcomes)
        if reason:
            self._show_no_product(reason)
        if result.bundle is not None:
            self.progress.setFormat(self.tr("Done"))
            text = self.tr("Bundle saved: %1").replace("%1", str(result.bundle))
            self.collect_step.progress_detail.setText(self.tr("%1 in %2").replace(
                "%1", format_bytes(_size(result.bundle))).replace("%2", format_duration(result.seconds)))
            case = cases.from_result(result)
            if case is not None:
                self.set_case(case, show=False)
            self.statusBar().showMessage(self.tr("Bundle saved. Next: the findings (Alt+Right)."), 15000)
            self.result_panel.findings_button.setFocus()
            self.status_line.setVisible(False)  # the result panel says it, with the path
        else:
            self.progress.setFormat(self.tr("Nothing written"))
            text = self.tr("Nothing written: %1").replace("%1", result.reason)
        self.status_line.setText(text)

    def _on_error(self, summary: str, details: str) -> None:
        log.error("collection run failed: %s", details)
        self.model.stop_unfinished(self.tr("the run stopped on an internal error"))
        self.result_panel.show_error(summary, details)
        self.result_panel.setVisible(True)
        self.progress.setValue(0)
        self.progress.setFormat(self.tr("Stopped"))
        self.status_line.setText(self.tr("The run stopped on an internal error: %1").replace("%1", summary))

    def _on_finished(self) -> None:
        # Kept until the next run ends: the relay thread may still be unwinding right now, and the last reference
        # to the signals' QObject must not go away on the GUI thread before it has.
        self._previous_worker = self.worker
        self.worker = None
        self._set_running(False)
        # A fresh time stamp, so the next run never overwrites this bundle by accident.
        self._refresh_default_output()
        if self._close_when_done:
            self.close()

    # ---- what the window looks at

    @property
    def filling(self) -> bool:
        """The current case's lists are still being filled (in slices: see `app.gui.slices`)."""
        return self.findings_step.filling or self.contents_step.filling


    def set_case(self, case: Case | None, *, show: bool = True) -> None:
        """Show a run's bundle, a received bundle or an analysis on every step."""
        from acronis_triage.app.escalate import checklist_of

        self.case = case
        if case is None:
            self.checklist.set_items([], {})
            self.findings_step.clear()
        else:
            titles = {str(f.get("signature")): str(f.get("title") or f.get("signature"))
                      for f in case.findings.get("findings") or [] if isinstance(f, dict)}
            # The checklist needs the findings only; the form (the bundle's member list, the evidence rules) is
            # made off this thread.
            self.checklist.set_items(checklist_of(case.findings), titles)
            self.findings_step.show_findings(case.findings, case.title)
        self.form_step.set_case(case, self.problem_step.answers())
        self.contents_step.set_case(case)
        self.export_step.set_bundle(case.bundle_path if case is not None else None)
        self.setWindowTitle(self.tr("Acronis Triage — %1").replace("%1", case.title) if case is not None
                            else self.tr("Acronis Triage"))
        if show and case is not None:
            self.go_to(FINDINGS)

    def ask_open_bundle(self) -> None:
        path = dialogs.ask_bundle_to_open(self, self._output_folder())
        if path is not None:
            self.open_bundle(path)

    def open_bundle(self, path: Path) -> None:
        """Open a received bundle off the GUI thread; a file that is no bundle of ours is analyzed as logs."""
        self.statusBar().showMessage(self.tr("Opening %1 …").replace("%1", str(path)))
        self._open_jobs.submit(lambda: _open_any(path))

    def ask_analyze_file(self) -> None:
        path = dialogs.ask_file_to_analyze(self, self._output_folder())
        if path is not None:
            self.analyze_paths([path])

    def ask_analyze_folder(self) -> None:
        folder = dialogs.ask_folder_to_analyze(self, Path.home())
        if folder is not None:
            self.analyze_paths([folder])

    def analyze_paths(self, paths: list[Path]) -> None:
        names = ", ".join(p.name for p in paths)
        self.statusBar().showMessage(self.tr("Analyzing %1 …").replace("%1", names))
        self._open_jobs.submit(lambda: cases.from_analysis(cases.analyze([str(p) for p in paths]),
                                                           [str(p) for p in paths], names))

    @property
    def opening(self) -> bool:
        return self._open_jobs.busy

    def _opened(self, value: object) -> None:
        assert isinstance(value, Case)
        self.set_case(value)
        kind = self.tr("bundle") if value.has_bundle else self.tr("analysis")
        self.statusBar().showMessage(self.tr("Opened the %1 %2.").replace("%1", kind).replace("%2", value.title),
                                     10000)

    def _open_failed(self, summary: str, details: str) -> None:
        log.info("opening failed: %s", details)
        self.statusBar().showMessage(self.tr("Cannot open it: %1").replace("%1", summary), 15000)
        dialogs.show_error(self, self.tr("Cannot open it"), summary)

    def _show_paste_analysis(self, findings: dict[str, Any]) -> None:
        self.set_case(cases.from_analysis(findings, ["<paste>"], self.tr("pasted error")))

    def open_evidence(self, ref: str, line: int) -> None:
        """The log viewer at an evidence line, read from the bundle or file the case came from."""
        if self.viewer is None:
            self.viewer = LogViewerDialog(self)
        base = self.case.evidence_base if self.case is not None else None
        if ref.startswith("<"):  # <paste>, <stdin>: the text is not kept anywhere to show
            self.viewer.view.show_message(self.tr("%1 is not a file: the pasted text is on the Problem step.")
                                          .replace("%1", ref))
            self.viewer.show()
            return
        self.viewer.open_at(ref, base, line or None)

    # ---- drag and drop

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()) \
                and not self.running:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if not paths:
            return
        event.acceptProposedAction()
        self.open_dropped(paths)

    def open_dropped(self, paths: list[Path]) -> None:
        if len(paths) == 1:
            self.open_bundle(paths[0])
        else:
            self.analyze_paths(paths)

    # ---- dialogs

    def open_settings(self) -> None:
        from acronis_triage.app.gui.settings import SettingsDialog

        dialog = SettingsDialog(self.settings, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self._settings_saved)
        self.settings_dialog = dialog
        dialog.open()

    def _settings_saved(self) -> None:
        self._refresh_default_output()
        level = self.settings.redaction_level()
        combo = self.export_step.redaction_combo
        combo.setCurrentIndex(max(combo.findData(level), 0))
        if self.case is not None:
            self.form_step.set_case(self.case, self.problem_step.answers())

    def open_guided(self) -> None:
        """The guided mode for an end user (`app.gui.guided`, imported only when asked for), with its default
        preset, on the demo machine when that is the chosen source."""
        import importlib

        try:
            guided = importlib.import_module("acronis_triage.app.gui.guided.window")
            presets = importlib.import_module("acronis_triage.app.gui.guided.presets")
            preset = presets.load_preset(presets.DEFAULT_PRESET)
        except Exception as exc:  # noqa: BLE001 - a broken optional mode must not take the window down
            dialogs.show_error(self, self.tr("Guided mode"), self.tr("The guided mode is not available: %1")
                               .replace("%1", str(exc)))
            return
        choices = self.export_step.choices([])
        case_id = choices.case_id if not isinstance(choices, str) else ""
        self.guided_window = guided.GuidedWindow(preset, case_id=case_id, demo=self.source() == SOURCE_DEMO)
        self.guided_window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.guided_window.show()

    def open_paste_dialog(self) -> None:
        from acronis_triage.app.gui.paste_dialog import PasteDialog

        if self.paste_dialog is None:
            self.paste_dialog = PasteDialog(self)
        self.paste_dialog.show()
        self.paste_dialog.raise_()
        self.paste_dialog.activateWindow()

    def show_about(self) -> None:
        from acronis_triage.app.gui.about import AboutDialog

        self.about_dialog = AboutDialog(self)
        self.about_dialog.open()

    def show_shortcuts(self) -> None:
        from acronis_triage.app.gui.about import ShortcutsDialog

        self.shortcuts_dialog = ShortcutsDialog(self)
        self.shortcuts_dialog.open()

    # ---- Qt overrides

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # The frame (title bar, borders) is known only once the window is on the screen.
        if not self._fitted:
            self._fitted = True
            self.fit_to_screen()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.worker is None:
            self.settings.set_geometry(self.saveGeometry())
            self.settings.sync()
            event.accept()
            return
        event.ignore()
        if self._close_when_done or dialogs.ask_cancel_and_close(self):
            self._close_when_done = True
            self.cancel()


def _load_for_the_window() -> list[type[Collector]]:
    """The collectors, and the evidence rules the escalation form reads (YAML, ~80 ms): both on a pool thread
    while the window waits for its first input, not when a run ends and the window has the most to show."""
    from acronis_triage.app.evidence import evidence_rules

    classes = discover().collectors
    evidence_rules()
    return classes


def _open_any(path: Path) -> Case:
    """A bundle of ours, or else whatever `analyze` can read (an Acronis system report, a log, a folder)."""
    from acronis_triage.app.escalate import EscalateError

    try:
        return cases.from_bundle(path)
    except EscalateError:
        if not path.exists():
            raise
    return cases.from_analysis(cases.analyze([str(path)]), [str(path)], path.name)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
