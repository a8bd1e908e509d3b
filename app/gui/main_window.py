"""The main window: choose what to collect, watch every collector, cancel, and get the bundle."""

from __future__ import annotations

import logging
import socket
from pathlib import Path

from PySide6.QtCore import Qt, QThreadPool, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import TOOL_NAME, __version__
from app.gui import dialogs
from app.gui.collector_model import CollectorFilterModel, CollectorTableModel
from app.gui.result_panel import ResultPanel
from app.gui.slow_option import SlowCollectorsOption
from app.gui.style import RUNNING
from app.gui.worker import CollectWorker, RunFunction
from app.pipeline import CollectOptions, CollectResult, default_bundle_name, run_collect
from collectors.base import Collector, Status
from collectors.engine import EngineEvent
from collectors.registry import discover
from collectors.sysroot import detect_layout, host_os

log = logging.getLogger(__name__)

SOURCE_LIVE, SOURCE_DEMO, SOURCE_OFFLINE = range(3)

# The demo machine is a recorded Windows system (`app.pipeline.resolve_root`).
DEMO_OS = "windows"

# The overall bar: collectors fill the first part, then each pipeline phase moves it on.
BAR_MAX = 1000
COLLECT_SHARE = 800
PHASE_STEPS = (850, 920, 970)

# Written into the manifest, which Acronis support reads: kept in English on purpose.
USER_CANCEL_REASON = "cancelled by the user"


def default_output_folder() -> Path:
    documents = Path.home() / "Documents"
    return documents if documents.is_dir() else Path.home()


class MainWindow(QMainWindow):
    """Start a collection, follow each collector, cancel, and save the bundle.

    Args:
        collectors: run these collector classes instead of the discovered ones (tests, plugins).
        run: the pipeline entry point (tests may pass a wrapper around `run_collect`).
        pool: the thread pool for the worker (default: the global one).
    """

    def __init__(self, *, collectors: list[type[Collector]] | None = None, run: RunFunction = run_collect,
                 pool: QThreadPool | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._collectors = collectors
        self._run = run
        self._pool = pool
        self.worker: CollectWorker | None = None
        self._previous_worker: CollectWorker | None = None
        # The last name the window made up; a field still holding it follows the source and the clock.
        self._auto_output_text = ""
        self._close_when_done = False
        self._phase = 0
        self.last_result: CollectResult | None = None

        self.setWindowTitle(self.tr("Acronis Triage"))
        self.setMinimumSize(820, 620)
        self._initial_size()

        self.model = CollectorTableModel(self)
        self.visible_rows = CollectorFilterModel(self.model, self)
        self._build_actions()
        self._build_ui()
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self.model.refresh_running)
        self._refresh_default_output()
        self._set_running(False)
        self.statusBar().showMessage(self.tr("Ready. Choose a source and press Start (Ctrl+R)."))

    # ---- construction

    def _initial_size(self) -> None:
        screen = self.screen().availableGeometry() if self.screen() else None
        width, height = 1120, 840
        if screen is not None:
            width, height = min(width, screen.width() - 40), min(height, screen.height() - 60)
        self.resize(max(width, 820), max(height, 620))

    def _build_actions(self) -> None:
        self.start_action = QAction(self.tr("&Start collection"), self)
        self.start_action.setShortcut(QKeySequence("Ctrl+R"))
        self.start_action.setStatusTip(self.tr("Collect, analyze and write the support bundle"))
        self.start_action.triggered.connect(self.start)
        self.cancel_action = QAction(self.tr("&Cancel collection"), self)
        self.cancel_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.cancel_action.setStatusTip(self.tr("Stop now; what was collected so far is still saved"))
        self.cancel_action.triggered.connect(self.cancel)
        self.paste_action = QAction(self.tr("&Analyze a pasted error…"), self)
        self.paste_action.setShortcut(QKeySequence("Ctrl+E"))
        self.paste_action.setStatusTip(self.tr("Paste an error message or log lines and see the known issue or the "
                                               "articles it looks like"))
        self.paste_action.triggered.connect(self.open_paste_dialog)
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        about_action = QAction(self.tr("&About"), self)
        about_action.triggered.connect(self._about)

        file_menu = self.menuBar().addMenu(self.tr("&File"))
        file_menu.addAction(self.start_action)
        file_menu.addAction(self.cancel_action)
        file_menu.addAction(self.paste_action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        self.menuBar().addMenu(self.tr("&Help")).addAction(about_action)

    def _build_ui(self) -> None:
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self._build_setup())

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self._build_collectors())
        self.result_panel = ResultPanel()
        self.result_panel.setVisible(False)
        self.splitter.addWidget(self.result_panel)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

    def _build_setup(self) -> QGroupBox:
        self.setup_box = QGroupBox(self.tr("What to collect"))
        form = QFormLayout(self.setup_box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        self.live_radio = QRadioButton(self.tr("This &computer"))
        self.live_radio.setStatusTip(self.tr("Collect from the machine this tool runs on"))
        self.demo_radio = QRadioButton(self.tr("&Demo machine (no Acronis needed)"))
        self.demo_radio.setStatusTip(self.tr("A built-in Windows machine with known Acronis problems, to try the tool"))
        self.offline_radio = QRadioButton(self.tr("&Offline folder…"))
        self.offline_radio.setStatusTip(self.tr("An offline copy of a system: a mounted disk or copied folders"))
        self.source_group = QButtonGroup(self)
        for source, radio in ((SOURCE_LIVE, self.live_radio), (SOURCE_DEMO, self.demo_radio),
                              (SOURCE_OFFLINE, self.offline_radio)):
            self.source_group.addButton(radio, source)
        self.live_radio.setChecked(True)
        self.source_group.idClicked.connect(self._source_clicked)
        sources = QHBoxLayout()
        sources.addWidget(self.live_radio)
        sources.addWidget(self.demo_radio)
        sources.addWidget(self.offline_radio)
        sources.addStretch(1)
        form.addRow(self.tr("Source:"), sources)

        self.offline_field = QLineEdit()
        self.offline_field.setPlaceholderText(self.tr("Folder of the offline system"))
        self.offline_field.setAccessibleName(self.tr("Offline folder"))
        self.offline_field.editingFinished.connect(self._refresh_slow_option)
        self.offline_browse = QPushButton(self.tr("&Browse…"))
        self.offline_browse.setStatusTip(self.tr("Choose the folder of the offline system"))
        self.offline_browse.clicked.connect(self.browse_offline)
        offline_row = QHBoxLayout()
        offline_row.addWidget(self.offline_field, 1)
        offline_row.addWidget(self.offline_browse)
        self.offline_label = QLabel(self.tr("Offline folder:"))
        form.addRow(self.offline_label, offline_row)

        self.days_spin = QSpinBox()
        self.days_spin.setRange(1, 3650)
        self.days_spin.setValue(7)
        self.days_spin.setSuffix(self.tr(" days"))
        self.days_spin.setStatusTip(self.tr("Logs older than this are left out"))
        self.days_spin.setAccessibleName(self.tr("Time window in days"))
        days_label = QLabel(self.tr("&Time window:"))
        days_label.setBuddy(self.days_spin)
        days_row = QHBoxLayout()
        days_row.addWidget(self.days_spin)
        days_row.addWidget(QLabel(self.tr("back from now")))
        days_row.addStretch(1)
        form.addRow(days_label, days_row)

        self.output_field = QLineEdit()
        self.output_field.setAccessibleName(self.tr("Bundle file"))
        self.output_field.setStatusTip(self.tr("The .zip support bundle to write"))
        self.output_browse = QPushButton(self.tr("B&rowse…"))
        self.output_browse.setStatusTip(self.tr("Choose where to save the bundle"))
        self.output_browse.clicked.connect(self.browse_output)
        output_label = QLabel(self.tr("Save &bundle to:"))
        output_label.setBuddy(self.output_field)
        output_row = QHBoxLayout()
        output_row.addWidget(self.output_field, 1)
        output_row.addWidget(self.output_browse)
        form.addRow(output_label, output_row)

        # The run chooses among the same classes, so the option lists exactly what it switches.
        classes = self._collectors if self._collectors is not None else discover().collectors
        self.slow_option = SlowCollectorsOption(classes, checked=True)
        self.slow_option.setAccessibleName(self.tr("Include the slow collectors"))
        self._refresh_slow_option()

        self.start_button = QPushButton(self.tr("Start collection"))
        self.start_button.setDefault(True)
        self.start_button.setToolTip(self.tr("Start (Ctrl+R)"))
        self.start_button.setStatusTip(self.start_action.statusTip())
        self.start_button.clicked.connect(self.start)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Cancel (Esc)"))
        self.cancel_button.setStatusTip(self.cancel_action.statusTip())
        self.cancel_button.clicked.connect(self.cancel)
        # The option shares the buttons' row: it is the last choice before starting, and it costs no height.
        buttons = QHBoxLayout()
        buttons.addWidget(self.slow_option)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.start_button)
        form.addRow(self.tr("Slow collectors:"), buttons)
        self._show_offline_row(False)
        return self.setup_box

    def _build_collectors(self) -> QGroupBox:
        box = QGroupBox(self.tr("Collectors"))
        self.hide_na_check = QCheckBox(self.tr("Hide collectors with &nothing to do here"))
        self.hide_na_check.setStatusTip(self.tr("Hide the collectors that do not apply to this system "
                                                "(other platforms, products not installed)"))
        self.hide_na_check.toggled.connect(self._hide_not_applicable)
        self.hide_na_check.setChecked(True)
        self.table = QTableView()
        self.table.setModel(self.visible_rows)
        self.table.setAccessibleName(self.tr("Collectors"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(CollectorTableModel.COL_TITLE, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(CollectorTableModel.COL_STATUS, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(CollectorTableModel.COL_TIME, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.setColumnWidth(CollectorTableModel.COL_TITLE, 300)
        self.table.setColumnWidth(CollectorTableModel.COL_STATUS, 120)
        self.table.setColumnWidth(CollectorTableModel.COL_TIME, 80)

        self.progress = QProgressBar()
        self.progress.setRange(0, BAR_MAX)
        self.progress.setValue(0)
        self.progress.setTextVisible(True)
        self.progress.setFormat(self.tr("Not started"))
        self.progress.setAccessibleName(self.tr("Overall progress"))
        self.status_line = QLabel(self.tr("No collection has run yet."))
        self.status_line.setWordWrap(True)

        layout = QVBoxLayout(box)
        layout.addWidget(self.hide_na_check)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.status_line)
        return box

    def _hide_not_applicable(self, hide: bool) -> None:
        self.visible_rows.set_hide_not_applicable(hide)
        self._update_hidden_count()

    def _update_hidden_count(self) -> None:
        hidden = self.model.count(Status.NOT_APPLICABLE)
        label = self.tr("Hide collectors with &nothing to do here")
        self.hide_na_check.setText(label + (f" ({hidden})" if hidden else ""))

    # ---- choices

    def source(self) -> int:
        return self.source_group.checkedId()

    def _source_clicked(self, source: int) -> None:
        self._show_offline_row(source == SOURCE_OFFLINE)
        if source == SOURCE_OFFLINE and not self.offline_field.text().strip():
            self.browse_offline()
        self._refresh_default_output()
        self._refresh_slow_option()

    def _show_offline_row(self, visible: bool) -> None:
        self.offline_label.setVisible(visible)
        self.offline_field.setVisible(visible)
        self.offline_browse.setVisible(visible)

    def browse_offline(self) -> None:
        current = self.offline_field.text().strip()
        folder = dialogs.ask_offline_folder(self, Path(current) if current else Path.home())
        if folder is not None:
            self.offline_field.setText(str(folder))
            self._refresh_default_output()
            self._refresh_slow_option()

    def browse_output(self) -> None:
        path = dialogs.ask_bundle_path(self, self.output_path() or default_output_folder())
        if path is not None:
            self.output_field.setText(str(path))

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
        folder = current.parent if current is not None else default_output_folder()
        self._auto_output_text = str(folder / default_bundle_name(self._target_host()))
        self.output_field.setText(self._auto_output_text)

    def output_path(self) -> Path | None:
        text = self.output_field.text().strip()
        return Path(text).expanduser() if text else None

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
        return CollectOptions(root=root, demo=source == SOURCE_DEMO, since_days=float(self.days_spin.value()),
                              output=output, include_slow=self.slow_option.include_slow())

    # ---- running

    @property
    def running(self) -> bool:
        return self.worker is not None

    def start(self) -> None:
        if self.running:
            return
        self._refresh_default_output()
        self._refresh_slow_option()
        options = self.options()
        if isinstance(options, str):
            self.status_line.setText(options)
            self.statusBar().showMessage(options, 8000)
            return
        self.model.clear()
        self._update_hidden_count()
        self.result_panel.clear()
        self.result_panel.setVisible(False)
        self.last_result = None
        self._phase = 0
        self.progress.setValue(0)
        self.progress.setFormat(self.tr("Starting…"))
        self.status_line.setText(self.tr("Starting the collection…"))

        worker = CollectWorker(options, collectors=self._collectors, run=self._run)
        worker.signals.progressed.connect(self._on_event)
        worker.signals.result.connect(self._on_result)
        worker.signals.errored.connect(self._on_error)
        worker.signals.finished.connect(self._on_finished)
        self.worker = worker
        self._set_running(True)
        worker.start(self._pool)

    def cancel(self) -> None:
        if self.worker is None or self.worker.cancelled:
            return
        self.worker.cancel(USER_CANCEL_REASON)
        self.cancel_button.setEnabled(False)
        self.cancel_action.setEnabled(False)
        text = self.tr("Cancelling: stopping the collectors and saving what was collected so far…")
        self.status_line.setText(text)

    def _set_running(self, running: bool) -> None:
        for widget in (self.live_radio, self.demo_radio, self.offline_radio, self.offline_field,
                       self.offline_browse, self.days_spin, self.output_field, self.output_browse):
            widget.setEnabled(not running)
        self.slow_option.set_busy(running)
        self.start_button.setEnabled(not running)
        self.start_action.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.cancel_action.setEnabled(running)
        if running:
            self._tick.start()
        else:
            self._tick.stop()

    def _on_event(self, event: EngineEvent) -> None:
        self.model.apply(event)
        if event.kind == "finished":
            self._update_hidden_count()
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

    def _on_result(self, result: CollectResult) -> None:
        self.last_result = result
        cancelled = self.worker is not None and self.worker.cancelled
        self.model.apply_outcomes(result.outcomes)
        self._update_hidden_count()
        self.result_panel.show_result(result, cancelled=cancelled)
        self.result_panel.setVisible(True)
        self._share_space(findings=self.result_panel.findings.topLevelItemCount()
                          + self.result_panel.related.topLevelItemCount())
        if result.bundle is not None:
            self.progress.setValue(BAR_MAX)
            self.progress.setFormat(self.tr("Done"))
            text = self.tr("Bundle saved: %1").replace("%1", str(result.bundle))
        else:
            self.progress.setValue(0)
            self.progress.setFormat(self.tr("Nothing written"))
            text = self.tr("Nothing written: %1").replace("%1", result.reason)
        self.status_line.setText(text)

    def _share_space(self, *, findings: int) -> None:
        # Findings are what the technician reads next: give them the larger part once there are any.
        total = sum(self.splitter.sizes()) or self.splitter.height()
        share = 0.62 if findings else 0.3
        self.splitter.setSizes([round(total * (1 - share)), round(total * share)])

    def _on_error(self, summary: str, details: str) -> None:
        log.error("collection run failed: %s", details)
        self.model.stop_unfinished(self.tr("the run stopped on an internal error"))
        self.result_panel.show_error(summary, details)
        self.result_panel.setVisible(True)
        self._share_space(findings=0)
        self.progress.setValue(0)
        self.progress.setFormat(self.tr("Stopped"))
        text = self.tr("The run stopped on an internal error: %1").replace("%1", summary)
        self.status_line.setText(text)

    def _on_finished(self) -> None:
        # Kept until the next run ends: the pool thread may still be unwinding the worker's run() right now,
        # and the last reference must not go away on the GUI thread before it has.
        self._previous_worker = self.worker
        self.worker = None
        self._set_running(False)
        # A fresh time stamp, so the next run never overwrites this bundle by accident.
        self._refresh_default_output()
        if self._close_when_done:
            self.close()

    # ---- Qt overrides and small dialogs

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.worker is None:
            event.accept()
            return
        event.ignore()
        if self._close_when_done or dialogs.ask_cancel_and_close(self):
            self._close_when_done = True
            self.cancel()

    def open_paste_dialog(self) -> None:
        from app.gui.paste_dialog import PasteDialog

        if getattr(self, "paste_dialog", None) is None:
            self.paste_dialog = PasteDialog(self)
        self.paste_dialog.show()
        self.paste_dialog.raise_()
        self.paste_dialog.activateWindow()

    def _about(self) -> None:
        QMessageBox.about(self, self.tr("About Acronis Triage"), self.tr(
            "%1 %2\nSignatures and KB index: %3\n\nCollects Acronis logs and system facts, matches them against "
            "known issues from the Acronis knowledge base, and writes a support bundle with a pre-filled escalation "
            "form.").replace("%1", TOOL_NAME).replace("%2", __version__).replace("%3", _knowledge()))


def _knowledge() -> str:
    from analyzers.knowledge import describe

    return describe()
