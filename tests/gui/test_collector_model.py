"""The collector table model: rows from engine events, settled by outcomes, and valid for Qt's views."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt

from acronis_triage.app.gui.collector_model import CollectorFilterModel, CollectorTableModel, StateRole
from acronis_triage.app.gui.style import RUNNING, WAITING, state_colour
from acronis_triage.collectors.base import Status
from acronis_triage.collectors.engine import CollectorOutcome, EngineEvent

M = CollectorTableModel

# Icons and colours need a QApplication.
pytestmark = pytest.mark.usefixtures("qapp")


def planned(name: str, title: str = "") -> EngineEvent:
    return EngineEvent("planned", name, title or name.title())


def text(model: CollectorTableModel, row: int, column: int, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
    return model.data(model.index(row, column), role)


def test_model_stays_valid_through_a_whole_run(qtmodeltester: Any) -> None:
    model = CollectorTableModel()
    qtmodeltester.check(model)
    for name in ("alpha", "beta", "gamma"):
        model.apply(planned(name))
    qtmodeltester.check(model)
    model.apply(EngineEvent("started", "alpha", "Alpha"))
    model.apply(EngineEvent("progress", "alpha", "Alpha", fraction=0.25, text="reading logs"))
    model.apply(EngineEvent("finished", "alpha", "Alpha", status=Status.OK))
    model.apply(EngineEvent("finished", "beta", "Beta", status=Status.ERROR, text="RuntimeError: boom"))
    model.apply_outcomes([CollectorOutcome("delta", "Delta", Status.ERROR, "could not start: TypeError: x")])
    model.refresh_running()
    qtmodeltester.check(model)
    model.clear()
    qtmodeltester.check(model)
    assert model.rowCount() == 0


def test_rows_appear_in_planned_order_and_wait() -> None:
    model = CollectorTableModel()
    model.apply(planned("b_second", "Second"))
    model.apply(planned("a_first", "First"))
    model.apply(planned("b_second", "Second"))  # a repeated event must not add a row
    assert [r.name for r in model.rows()] == ["b_second", "a_first"]
    assert text(model, 0, M.COL_TITLE) == "Second"
    assert text(model, 0, M.COL_STATUS) == "waiting"
    assert text(model, 0, M.COL_STATUS, StateRole) == WAITING
    assert text(model, 0, M.COL_TITLE, Qt.ItemDataRole.ToolTipRole) == "b_second"
    assert model.headerData(M.COL_STATUS, Qt.Orientation.Horizontal) == "Status"
    assert model.index(0, 0).flags() & Qt.ItemFlag.ItemIsEnabled
    assert model.rowCount(model.index(0, 0)) == 0


def test_running_row_shows_progress_then_finished_row_shows_reason() -> None:
    model = CollectorTableModel()
    model.apply(planned("logs", "Acronis logs"))
    model.apply(EngineEvent("started", "logs", "Acronis logs"))
    assert text(model, 0, M.COL_STATUS, StateRole) == RUNNING
    assert text(model, 0, M.COL_TIME).endswith(" s")
    model.apply(EngineEvent("progress", "logs", fraction=0.5, text="mms.log"))
    assert text(model, 0, M.COL_DETAILS) == "50% · mms.log"
    model.apply(EngineEvent("progress", "logs", fraction=None, text="listing files"))
    assert text(model, 0, M.COL_DETAILS) == "listing files"
    model.apply(EngineEvent("finished", "logs", status=Status.PARTIAL, text="mms.log: locked"))
    model.apply(EngineEvent("progress", "logs", fraction=0.9, text="late event"))
    assert text(model, 0, M.COL_STATUS) == "partial"
    assert text(model, 0, M.COL_DETAILS) == "mms.log: locked"
    assert text(model, 0, M.COL_STATUS, Qt.ItemDataRole.ForegroundRole) == state_colour(Status.PARTIAL)
    assert text(model, 0, M.COL_STATUS, Qt.ItemDataRole.DecorationRole) is not None


def test_events_for_unknown_collectors_are_ignored() -> None:
    model = CollectorTableModel()
    model.apply(EngineEvent("finished", "ghost", status=Status.OK))
    model.apply(EngineEvent("phase", text="analyzing the collected logs"))
    assert model.rowCount() == 0


def test_outcomes_settle_rows_and_add_collectors_that_never_started() -> None:
    model = CollectorTableModel()
    model.apply(planned("logs"))
    model.apply(EngineEvent("started", "logs"))
    model.apply_outcomes([
        CollectorOutcome("logs", "Logs", Status.TIMEOUT, "timed out after 5 s", started="2026-01-01T00:00:00",
                         duration_s=5.0),
        CollectorOutcome("broken", "Broken", Status.ERROR, "could not start: ValueError: bad"),
    ])
    assert text(model, 0, M.COL_STATUS) == "timed out"
    assert text(model, 0, M.COL_TIME) == "5.0 s"
    assert text(model, 1, M.COL_TITLE) == "Broken"
    assert text(model, 1, M.COL_DETAILS) == "could not start: ValueError: bad"
    assert text(model, 1, M.COL_TIME) == ""


def test_overall_units_count_finished_rows_and_running_fractions() -> None:
    model = CollectorTableModel()
    for name in ("a", "b", "c"):
        model.apply(planned(name))
    model.apply(EngineEvent("started", "a"))
    model.apply(EngineEvent("finished", "a", status=Status.OK))
    model.apply(EngineEvent("started", "b"))
    model.apply(EngineEvent("progress", "b", fraction=0.5))
    assert model.planned_count() == 3
    assert model.finished_count() == 1
    assert model.done_units() == 1.5


def test_stop_unfinished_leaves_no_row_running() -> None:
    model = CollectorTableModel()
    model.apply(planned("a"))
    model.apply(planned("b"))
    model.apply(EngineEvent("started", "a"))
    model.apply(EngineEvent("finished", "b", status=Status.OK))
    model.stop_unfinished("the run stopped")
    assert [r.state for r in model.rows()] == [Status.CANCELLED, Status.OK]
    assert model.rows()[0].reason == "the run stopped"
    assert model.data(QModelIndex()) is None


def test_filter_hides_collectors_with_nothing_to_do(qtmodeltester: Any) -> None:
    model = CollectorTableModel()
    view = CollectorFilterModel(model)
    qtmodeltester.check(view)
    for name in ("a", "b", "c"):
        model.apply(planned(name))
    view.set_hide_not_applicable(True)
    assert view.rowCount() == 3  # waiting rows stay until they turn out not to apply
    model.apply(EngineEvent("finished", "b", status=Status.NOT_APPLICABLE, text="only for linux"))
    model.apply(EngineEvent("finished", "c", status=Status.ERROR, text="boom"))
    assert [view.data(view.index(i, M.COL_TITLE)) for i in range(view.rowCount())] == ["A", "C"]
    assert model.count(Status.NOT_APPLICABLE) == 1
    view.set_hide_not_applicable(False)
    assert view.rowCount() == 3
    qtmodeltester.check(view)
