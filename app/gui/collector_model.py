"""One table row per collector, fed by the engine's events and settled by the run's outcomes."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionProgressBar, QStyleOptionViewItem

from acronis_triage.app.gui.style import (
    IDLE,
    NOT_SELECTED,
    RUNNING,
    WAITING,
    format_duration,
    state_colour,
    state_icon,
    state_text,
)
from acronis_triage.collectors.base import Collector, Status
from acronis_triage.collectors.engine import CollectorOutcome, EngineEvent

_Index = QModelIndex | QPersistentModelIndex

# The row's raw state ("waiting", "running" or a Status value), for tests and delegates.
StateRole = Qt.ItemDataRole.UserRole + 1
FractionRole = Qt.ItemDataRole.UserRole + 2  # a running collector's reported fraction, for the progress bar


@dataclass
class CollectorRow:
    name: str
    title: str
    state: str = WAITING
    reason: str = ""
    progress_text: str = ""
    fraction: float | None = None
    started_at: float | None = None
    duration_s: float | None = None
    description: str = ""
    checked: bool = True
    choosable: bool = True  # the user may tick it (slow ones follow their own option; some cannot run here)
    slow: bool = False
    in_run: bool = True  # planned by the current or last run

    @property
    def finished(self) -> bool:
        return self.state not in (WAITING, RUNNING, IDLE)

    def elapsed(self, now: float) -> float | None:
        if self.duration_s is not None:
            return self.duration_s
        if self.started_at is not None:
            return now - self.started_at
        return None


class CollectorTableModel(QAbstractTableModel):
    """Collectors of the current run: title, status, time taken and what each is doing or why it ended.

    Rows appear on ``planned`` events, in the engine's order. ``apply_outcomes`` makes the run's final
    record authoritative (exact durations, and collectors that could not even be created).
    """

    COL_TITLE, COL_STATUS, COL_TIME, COL_DETAILS = range(4)
    COLUMN_COUNT = 4

    checksChanged = Signal()  # the user ticked or unticked a collector

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[CollectorRow] = []
        self._by_name: dict[str, int] = {}
        self._locked = False  # no ticking while a run goes on

    # ---- reading

    def rows(self) -> list[CollectorRow]:
        return list(self._rows)

    def row(self, name: str) -> CollectorRow | None:
        index = self._by_name.get(name)
        return None if index is None else self._rows[index]

    def count(self, state: str) -> int:
        return sum(1 for r in self._rows if r.state == state)

    def planned_count(self) -> int:
        return sum(1 for r in self._rows if r.in_run)

    def finished_count(self) -> int:
        return sum(1 for r in self._rows if r.in_run and r.finished)

    def done_units(self) -> float:
        """Finished collectors plus the reported fractions of running ones, for the overall bar."""
        units = 0.0
        for r in self._rows:
            if not r.in_run:
                continue
            if r.finished:
                units += 1.0
            elif r.state == RUNNING and r.fraction is not None:
                units += min(max(r.fraction, 0.0), 1.0)
        return units

    # ---- choosing

    def set_available(self, classes: Iterable[type[Collector]], target_os: str | None, *, live: bool,
                      slow_checked: bool) -> None:
        """One row per collector that can be chosen for this source, before a run. The ticks of collectors
        already listed are kept; those for another platform are not listed; live-only ones on a copy of a
        system are listed as not applicable (the run records them so too)."""
        previous = {r.name: r.checked for r in self._rows}
        self.beginResetModel()
        self._rows.clear()
        self._by_name.clear()
        for cls in classes:
            if target_os is not None and target_os not in cls.platforms:
                continue
            slow = "slow" in cls.tags
            row = CollectorRow(cls.name, cls.title or cls.name, IDLE, description=cls.description, slow=slow,
                               in_run=False, checked=previous.get(cls.name, True))
            if cls.needs_live and not live:
                row.state, row.reason, row.choosable, row.checked = (
                    str(Status.NOT_APPLICABLE), self.tr("needs the live system; this source is a copy of one"),
                    False, False)
            elif slow:
                row.choosable, row.checked = False, slow_checked
            self._by_name[row.name] = len(self._rows)
            self._rows.append(row)
        self.endResetModel()

    def chosen(self) -> set[str]:
        return {r.name for r in self._rows if r.checked and r.state != Status.NOT_APPLICABLE}

    def unchosen(self) -> set[str]:
        """Collectors the user unticked (slow ones follow their option, not-applicable ones are the run's)."""
        return {r.name for r in self._rows if r.choosable and not r.checked}

    def set_checked(self, names: set[str], *, slow_checked: bool | None = None) -> None:
        for index, row in enumerate(self._rows):
            if row.choosable:
                row.checked = row.name in names
            elif row.slow and slow_checked is not None and row.state != Status.NOT_APPLICABLE:
                row.checked = slow_checked
            self._row_changed(index)

    def set_locked(self, locked: bool) -> None:
        self._locked = locked
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, 0))

    # ---- updating

    def clear(self) -> None:
        self.beginResetModel()
        self._rows.clear()
        self._by_name.clear()
        self.endResetModel()

    def begin_run(self) -> None:
        """Rows of the next run are reset by its ``planned`` events; the others say they were not chosen."""
        for index, row in enumerate(self._rows):
            row.in_run = False
            row.fraction, row.progress_text, row.started_at, row.duration_s = None, "", None, None
            if row.state != Status.NOT_APPLICABLE or row.choosable:
                row.state, row.reason = NOT_SELECTED, ""
            self._row_changed(index)

    def apply(self, event: EngineEvent) -> None:
        if event.kind == "planned":
            index = self._by_name.get(event.collector)
            if index is None:
                self._add(CollectorRow(event.collector, event.title or event.collector))
                return
            row = self._rows[index]
            row.state, row.reason, row.in_run = WAITING, "", True
            self._row_changed(index)
            return
        index = self._by_name.get(event.collector)
        if index is None:
            return
        row = self._rows[index]
        if event.kind == "started":
            row.state = RUNNING
            row.started_at = time.monotonic()
        elif event.kind == "progress":
            if row.finished:
                return
            row.fraction = event.fraction
            row.progress_text = event.text
        elif event.kind == "finished":
            row.state = str(event.status or Status.ERROR)
            row.reason = event.text
            if row.started_at is not None and row.duration_s is None:
                row.duration_s = time.monotonic() - row.started_at
        else:
            return
        self._row_changed(index)

    def apply_outcomes(self, outcomes: Iterable[CollectorOutcome]) -> None:
        for outcome in outcomes:
            index = self._by_name.get(outcome.name)
            if index is None:
                self._add(CollectorRow(outcome.name, outcome.title or outcome.name))
                index = self._by_name[outcome.name]
            row = self._rows[index]
            row.state = str(outcome.status)
            row.reason = outcome.reason
            row.in_run = True
            row.duration_s = outcome.duration_s if outcome.started else None
            self._row_changed(index)

    def stop_unfinished(self, reason: str) -> None:
        """The run ended without outcomes (an internal error): no row may keep saying "running"."""
        for index, row in enumerate(self._rows):
            if not row.finished:
                row.state = str(Status.CANCELLED)
                row.reason = reason
                self._row_changed(index)

    def refresh_running(self) -> None:
        """Repaint the time of running collectors (called by a once-a-second timer)."""
        for index, row in enumerate(self._rows):
            if row.state == RUNNING:
                cell = self.index(index, self.COL_TIME)
                self.dataChanged.emit(cell, cell, [Qt.ItemDataRole.DisplayRole])

    def _add(self, row: CollectorRow) -> None:
        if row.name in self._by_name:
            return
        row.in_run = row.state != IDLE
        position = len(self._rows)
        self.beginInsertRows(QModelIndex(), position, position)
        self._rows.append(row)
        self._by_name[row.name] = position
        self.endInsertRows()

    def _row_changed(self, index: int) -> None:
        self.dataChanged.emit(self.index(index, 0), self.index(index, self.COLUMN_COUNT - 1))

    # ---- Qt overrides

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else self.COLUMN_COUNT

    def flags(self, index: _Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == self.COL_TITLE:
            row = self._rows[index.row()]
            if row.choosable and not self._locked:
                flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid() or index.column() != self.COL_TITLE:
            return False
        row = self._rows[index.row()]
        if not row.choosable or self._locked:
            return False
        row.checked = Qt.CheckState(value) == Qt.CheckState.Checked
        self._row_changed(index.row())
        self.checksChanged.emit()
        return True

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        titles = (self.tr("Collector"), self.tr("Status"), self.tr("Time"), self.tr("Details"))
        return titles[section] if 0 <= section < len(titles) else None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.CheckStateRole and column == self.COL_TITLE:
            return Qt.CheckState.Checked if row.checked else Qt.CheckState.Unchecked
        if role == FractionRole:
            return row.fraction if row.state == RUNNING else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.COL_TITLE:
                tip = f"{row.name}: {row.description}" if row.description else row.name
                if row.slow and row.choosable is False and row.state != Status.NOT_APPLICABLE:
                    tip += "\n" + self.tr("Slow: chosen with the option below the table.")
                return tip
            text = self._display(row, self.COL_DETAILS)
            return text or None
        if role == Qt.ItemDataRole.ForegroundRole and column == self.COL_STATUS:
            return state_colour(row.state)
        if role == Qt.ItemDataRole.DecorationRole and column == self.COL_STATUS:
            icon = state_icon(row.state)
            return None if icon.isNull() else icon
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.COL_TIME:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == StateRole:
            return row.state
        return None

    def _display(self, row: CollectorRow, column: int) -> str:
        if column == self.COL_TITLE:
            return row.title
        if column == self.COL_STATUS:
            if row.state == IDLE:
                return self.tr("chosen") if row.checked else self.tr("not chosen")
            return state_text(row.state)
        if column == self.COL_TIME:
            if row.state in (Status.NOT_APPLICABLE, IDLE, NOT_SELECTED):
                return ""
            elapsed = row.elapsed(time.monotonic())
            return "" if elapsed is None else format_duration(elapsed)
        if column == self.COL_DETAILS:
            if row.state in (IDLE, NOT_SELECTED):
                return row.description
            if row.finished:
                # An ok collector has no reason to give; what it collected is what its description says.
                return row.reason or (row.description if row.state == Status.OK else "")
            if row.state == RUNNING:
                if row.fraction is not None and row.progress_text:
                    return self.tr("%1% · %2").replace("%1", str(round(row.fraction * 100))).replace(
                        "%2", row.progress_text)
                if row.fraction is not None:
                    return self.tr("%1%").replace("%1", str(round(row.fraction * 100)))
                return row.progress_text
        return ""


class CollectorFilterModel(QSortFilterProxyModel):
    """The table's view of the collectors, optionally without those that had nothing to do here."""

    def __init__(self, source: CollectorTableModel, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSourceModel(source)
        self.setDynamicSortFilter(True)
        self._hide_not_applicable = False

    @property
    def hide_not_applicable(self) -> bool:
        return self._hide_not_applicable

    def set_hide_not_applicable(self, hide: bool) -> None:
        # Qt 6.10 replaced invalidateRowsFilter() (deprecated there) with begin/endFilterChange().
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            self._hide_not_applicable = bool(hide)
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self._hide_not_applicable = bool(hide)
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        if not self._hide_not_applicable:
            return True
        source = self.sourceModel()
        return source.data(source.index(source_row, 0, source_parent), StateRole) != Status.NOT_APPLICABLE


class ProgressDelegate(QStyledItemDelegate):
    """Draws a running collector's reported fraction as a progress bar in its row, with the text over it."""

    def paint(self, painter: Any, option: QStyleOptionViewItem, index: _Index) -> None:
        fraction = index.data(FractionRole)
        if fraction is None:
            super().paint(painter, option, index)
            return
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(2, 3, -2, -3)
        bar.minimum, bar.maximum = 0, 1000
        bar.progress = round(min(max(float(fraction), 0.0), 1.0) * 1000)
        bar.text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        bar.textVisible = True
        bar.state = option.state
        bar.palette = option.palette
        QApplication.style().drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter)
