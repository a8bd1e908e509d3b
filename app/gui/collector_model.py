"""One table row per collector, fed by the engine's events and settled by the run's outcomes."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from app.gui.style import RUNNING, WAITING, format_duration, state_colour, state_icon, state_text
from collectors.base import Status
from collectors.engine import CollectorOutcome, EngineEvent

_Index = QModelIndex | QPersistentModelIndex

# The row's raw state ("waiting", "running" or a Status value), for tests and delegates.
StateRole = Qt.ItemDataRole.UserRole + 1


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

    @property
    def finished(self) -> bool:
        return self.state not in (WAITING, RUNNING)

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

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[CollectorRow] = []
        self._by_name: dict[str, int] = {}

    # ---- reading

    def rows(self) -> list[CollectorRow]:
        return list(self._rows)

    def row(self, name: str) -> CollectorRow | None:
        index = self._by_name.get(name)
        return None if index is None else self._rows[index]

    def count(self, state: str) -> int:
        return sum(1 for r in self._rows if r.state == state)

    def planned_count(self) -> int:
        return len(self._rows)

    def finished_count(self) -> int:
        return sum(1 for r in self._rows if r.finished)

    def done_units(self) -> float:
        """Finished collectors plus the reported fractions of running ones, for the overall bar."""
        units = 0.0
        for r in self._rows:
            if r.finished:
                units += 1.0
            elif r.state == RUNNING and r.fraction is not None:
                units += min(max(r.fraction, 0.0), 1.0)
        return units

    # ---- updating

    def clear(self) -> None:
        self.beginResetModel()
        self._rows.clear()
        self._by_name.clear()
        self.endResetModel()

    def apply(self, event: EngineEvent) -> None:
        if event.kind == "planned":
            self._add(CollectorRow(event.collector, event.title or event.collector))
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
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.COL_TITLE:
                return row.name
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
            return state_text(row.state)
        if column == self.COL_TIME:
            if row.state == Status.NOT_APPLICABLE:
                return ""
            elapsed = row.elapsed(time.monotonic())
            return "" if elapsed is None else format_duration(elapsed)
        if column == self.COL_DETAILS:
            if row.finished:
                return row.reason
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
