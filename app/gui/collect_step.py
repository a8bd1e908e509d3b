"""Step 2, collect: the source, the collectors (ticks, presets, descriptions), progress, cancel, and the verdict.

The widgets only; the window owns the run (`app.gui.main_window.MainWindow.start`). Banners say what must not
be missed: no Acronis product on the chosen system, or collectors that need administrator rights.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from acronis_triage.app.gui import presets
from acronis_triage.app.gui.banner import INFO, WARNING, Banner
from acronis_triage.app.gui.collector_model import CollectorFilterModel, CollectorTableModel, ProgressDelegate
from acronis_triage.app.gui.data_texts import data_text
from acronis_triage.app.gui.result_panel import ResultPanel
from acronis_triage.app.gui.slow_option import SlowCollectorsOption
from acronis_triage.collectors.base import Collector, Status

SOURCE_LIVE, SOURCE_DEMO, SOURCE_OFFLINE = range(3)

BAR_MAX = 1000
CUSTOM = "custom"


class CollectStep(QWidget):
    """Signals:
        sourceChanged(int): the user picked another source.
        browseOffline(): the user asked to choose the offline folder.
        changeDestination(): the user wants to change where the bundle goes (the Export step).
        restartElevated(): the user asked to start again as administrator.
        showFindings(): the user wants the findings of the finished run.
    """

    sourceChanged = Signal(int)
    browseOffline = Signal()
    changeDestination = Signal()
    restartElevated = Signal()
    showFindings = Signal()

    def __init__(self, classes: Sequence[type[Collector]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.classes = list(classes)

        self.admin_banner = Banner(WARNING)
        self.admin_banner.button.clicked.connect(self.restartElevated)
        self.product_banner = Banner(WARNING)
        self.product_banner.button.clicked.connect(self.browseOffline)
        self.demo_banner = Banner(INFO)

        # ---- source
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
        self.source_group.idClicked.connect(self.sourceChanged)
        self.offline_field = QLineEdit()
        self.offline_field.setPlaceholderText(self.tr("Folder of the offline system"))
        self.offline_field.setAccessibleName(self.tr("Offline folder"))
        self.offline_browse = QPushButton(self.tr("&Browse…"))
        self.offline_browse.setStatusTip(self.tr("Choose the folder of the offline system"))
        self.offline_browse.clicked.connect(self.browseOffline)
        self.offline_label = QLabel(self.tr("Folder:"))
        source_row = QHBoxLayout()
        source_row.addWidget(QLabel(self.tr("Source:")))
        source_row.addWidget(self.live_radio)
        source_row.addWidget(self.demo_radio)
        source_row.addWidget(self.offline_radio)
        source_row.addStretch(1)
        offline_row = QHBoxLayout()
        offline_row.addWidget(self.offline_label)
        offline_row.addWidget(self.offline_field, 1)
        offline_row.addWidget(self.offline_browse)

        # ---- collectors
        self.preset_combo = QComboBox()
        for preset in presets.PRESETS:
            self.preset_combo.addItem(data_text(preset.title), preset.name)
            self.preset_combo.setItemData(self.preset_combo.count() - 1, data_text(preset.description),
                                          Qt.ItemDataRole.ToolTipRole)
        self.preset_combo.addItem(self.tr("Custom (your own ticks)"), CUSTOM)
        self.preset_combo.setAccessibleName(self.tr("Collector preset"))
        self.preset_combo.setStatusTip(self.tr("A choice of collectors for a kind of problem"))
        preset_label = QLabel(self.tr("&Preset:"))
        preset_label.setBuddy(self.preset_combo)
        self.hide_na_check = QCheckBox(self.tr("Hide collectors with &nothing to do here"))
        self.hide_na_check.setStatusTip(self.tr("Hide the collectors that do not apply to this system "
                                                "(other platforms, products not installed)"))
        preset_row = QHBoxLayout()
        preset_row.addWidget(preset_label)
        preset_row.addWidget(self.preset_combo)
        preset_row.addStretch(1)
        preset_row.addWidget(self.hide_na_check)

        self.model = CollectorTableModel(self)
        self.visible_rows = CollectorFilterModel(self.model, self)
        self.table = QTableView()
        self.table.setModel(self.visible_rows)
        self.table.setAccessibleName(self.tr("Collectors: tick the ones to run"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Tab leaves the table (arrows move inside it); with Qt's default Tab cycled through its cells forever.
        self.table.setTabKeyNavigation(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        for column in (CollectorTableModel.COL_TITLE, CollectorTableModel.COL_STATUS, CollectorTableModel.COL_TIME):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        average = self.fontMetrics().averageCharWidth()
        self.table.setColumnWidth(CollectorTableModel.COL_TITLE, average * 42)
        self.table.setColumnWidth(CollectorTableModel.COL_STATUS, average * 14)
        self.table.setColumnWidth(CollectorTableModel.COL_TIME, average * 9)
        self.table.setItemDelegateForColumn(CollectorTableModel.COL_DETAILS, ProgressDelegate(self.table))
        self.table.setMinimumHeight(self.table.verticalHeader().defaultSectionSize() * 4)

        self.slow_option = SlowCollectorsOption(self.classes, checked=True)
        self.slow_option.setAccessibleName(self.tr("Include the slow collectors"))
        # Its text lists every slow collector with its duration; on a narrow screen it is cut, not the window
        # widened (the tooltip and the status bar say it in full).
        self.slow_option.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

        collectors_box = QGroupBox(self.tr("Collectors"))
        collectors_layout = QVBoxLayout(collectors_box)
        collectors_layout.addLayout(preset_row)
        collectors_layout.addWidget(self.table, 1)
        collectors_layout.addWidget(self.slow_option)

        # ---- where it goes, and running
        self.destination = QLabel()
        self.destination.setWordWrap(True)
        self.destination.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.destination_button = QPushButton(self.tr("Chang&e…"))
        self.destination_button.setStatusTip(self.tr("Where the bundle is saved and how: the Export step"))
        self.destination_button.clicked.connect(self.changeDestination)
        destination_row = QHBoxLayout()
        destination_row.addWidget(self.destination, 1)
        destination_row.addWidget(self.destination_button)

        self.progress = QProgressBar()
        self.progress.setRange(0, BAR_MAX)
        self.progress.setValue(0)
        self.progress.setTextVisible(True)
        self.progress.setFormat(self.tr("Not started"))
        self.progress.setAccessibleName(self.tr("Overall progress"))
        self.progress_detail = QLabel()
        self.progress_detail.setAccessibleName(self.tr("Bytes written and time left"))
        self.start_button = QPushButton(self.tr("Start collection"))
        self.start_button.setDefault(True)
        self.start_button.setAutoDefault(True)
        self.start_button.setToolTip(self.tr("Start (Ctrl+R)"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Cancel (Esc)"))
        run_row = QHBoxLayout()
        run_row.addWidget(self.progress, 1)
        run_row.addWidget(self.progress_detail)
        run_row.addWidget(self.cancel_button)
        run_row.addWidget(self.start_button)
        self.status_line = QLabel(self.tr("No collection has run yet."))
        self.status_line.setWordWrap(True)

        self.result_panel = ResultPanel()
        self.result_panel.setVisible(False)
        self.result_panel.findings_button.clicked.connect(self.showFindings)

        layout = QVBoxLayout(self)
        layout.addWidget(self.admin_banner)
        layout.addWidget(self.product_banner)
        layout.addWidget(self.demo_banner)
        layout.addLayout(source_row)
        layout.addLayout(offline_row)
        layout.addWidget(collectors_box, 1)
        layout.addLayout(destination_row)
        layout.addLayout(run_row)
        layout.addWidget(self.status_line)
        layout.addWidget(self.result_panel)
        self.show_offline_row(False)

        self.hide_na_check.toggled.connect(self._hide_not_applicable)
        self.hide_na_check.setChecked(True)
        self.preset_combo.activated.connect(self._preset_chosen)
        self.model.checksChanged.connect(self._ticks_changed)
        self.slow_option.toggled.connect(self._slow_toggled)
        self.table.activated.connect(self._toggle_row)

    def set_classes(self, classes: Sequence[type[Collector]]) -> None:
        """The collectors, once discovered (the window shows before they are)."""
        self.classes = list(classes)
        self.slow_option.set_classes(self.classes)

    # ---- source

    def source(self) -> int:
        return self.source_group.checkedId()

    def show_offline_row(self, visible: bool) -> None:
        for widget in (self.offline_label, self.offline_field, self.offline_browse):
            widget.setVisible(visible)

    # ---- collectors

    def list_collectors(self, target_os: str | None, *, live: bool) -> None:
        self.model.set_available(self.classes, target_os, live=live, slow_checked=self.slow_option.include_slow())
        self._update_hidden_count()
        self._match_preset()

    def _hide_not_applicable(self, hide: bool) -> None:
        self.visible_rows.set_hide_not_applicable(hide)
        self._update_hidden_count()

    def _update_hidden_count(self) -> None:
        hidden = self.model.count(Status.NOT_APPLICABLE)
        label = self.tr("Hide collectors with &nothing to do here")
        self.hide_na_check.setText(label + (f" ({hidden})" if hidden else ""))

    def apply_preset(self, name: str) -> None:
        preset = presets.PRESETS_BY_NAME.get(name)
        if preset is None:
            return
        self.slow_option.setChecked(preset.slow)
        self.model.set_checked(presets.chosen(preset, self.classes), slow_checked=self.slow_option.include_slow())
        self.preset_combo.setCurrentIndex(self.preset_combo.findData(name))

    def _preset_chosen(self, index: int) -> None:
        name = self.preset_combo.itemData(index)
        if name != CUSTOM:
            self.apply_preset(str(name))

    def _ticks_changed(self) -> None:
        self._match_preset()

    def _slow_toggled(self, checked: bool) -> None:
        self.model.set_checked(self.model.chosen() - self._slow_names(), slow_checked=self.slow_option.include_slow())
        self._match_preset()

    def _slow_names(self) -> set[str]:
        return {cls.name for cls in self.classes if "slow" in cls.tags}

    def _match_preset(self) -> None:
        """The combo names the preset the ticks equal, or Custom."""
        ticked = self.model.chosen() - self._slow_names()
        choosable = {r.name for r in self.model.rows() if r.choosable}
        for preset in presets.PRESETS:
            wanted = presets.chosen(preset, self.classes) & choosable
            if wanted == ticked & choosable and (preset.slow == self.slow_option.isChecked()
                                                 or not self.slow_option.isEnabled()):
                self.preset_combo.setCurrentIndex(self.preset_combo.findData(preset.name))
                return
        self.preset_combo.setCurrentIndex(self.preset_combo.findData(CUSTOM))

    def _toggle_row(self, index: object) -> None:
        # Enter or a double click ticks and unticks, like the space bar on the check box.
        source = self.visible_rows.mapToSource(index)  # type: ignore[arg-type]
        cell = self.model.index(source.row(), CollectorTableModel.COL_TITLE)
        if self.model.flags(cell) & Qt.ItemFlag.ItemIsUserCheckable:
            state = self.model.data(cell, Qt.ItemDataRole.CheckStateRole)
            self.model.setData(cell, Qt.CheckState.Unchecked if state == Qt.CheckState.Checked
                               else Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)

    # ---- running

    def set_running(self, running: bool) -> None:
        for widget in (self.live_radio, self.demo_radio, self.offline_radio, self.offline_field,
                       self.offline_browse, self.preset_combo, self.destination_button):
            widget.setEnabled(not running)
        self.model.set_locked(running)
        self.slow_option.set_busy(running)
        self.start_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
