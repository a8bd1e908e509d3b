"""Filling views in slices: every row arrives, in order, no slice runs much past its budget, a new fill wins."""

from __future__ import annotations

import time
from typing import Any

from acronis_triage.app.gui.slices import SliceFiller

ROW_S = 0.002


def slow_add(into: list[int], stamps: list[float]) -> Any:
    def add(item: int) -> None:
        time.sleep(ROW_S)
        into.append(item)
        stamps.append(time.monotonic())

    return add


def test_rows_arrive_in_order_over_several_slices_then_done(qtbot: Any) -> None:
    filler = SliceFiller(budget_s=0.01)
    rows: list[int] = []
    stamps: list[float] = []
    done: list[bool] = []
    filler.fill(range(40), slow_add(rows, stamps), lambda: done.append(True))
    first_slice = len(rows)
    assert 1 <= first_slice < 40 and filler.busy  # some now, the rest later
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    assert rows == list(range(40)) and done == [True] and not filler.busy
    # Each pass of the event loop ran at most its budget plus one row (with slack for a loaded machine).
    assert first_slice * ROW_S <= 0.01 + ROW_S + 0.02


def test_the_first_row_is_added_at_once_even_with_no_budget_left(qtbot: Any) -> None:
    filler = SliceFiller(budget_s=0.0)
    rows: list[int] = []
    filler.fill([7, 8], rows.append)
    assert rows == [7]
    qtbot.waitUntil(lambda: not filler.busy, timeout=5000)
    assert rows == [7, 8]


def test_a_new_fill_drops_what_was_left_of_the_previous_one(qtbot: Any) -> None:
    filler = SliceFiller(budget_s=0.0)
    rows: list[str] = []
    old_done: list[bool] = []
    filler.fill(["a1", "a2", "a3"], rows.append, lambda: old_done.append(True))
    filler.fill(["b1", "b2"], rows.append)
    qtbot.waitUntil(lambda: not filler.busy, timeout=5000)
    qtbot.wait(20)
    assert rows == ["a1", "b1", "b2"] and old_done == []


def test_fillers_share_the_budget_of_one_pass(qtbot: Any) -> None:
    # Three views filled in one go must not take three budgets before the window paints again.
    rows: list[list[int]] = [[], [], []]
    stamps: list[float] = []
    fillers = [SliceFiller(budget_s=0.01) for _ in rows]
    started = time.monotonic()
    for filler, into in zip(fillers, rows, strict=True):
        filler.fill(range(30), slow_add(into, stamps))
    spent = time.monotonic() - started
    assert spent < 0.01 + 3 * ROW_S + 0.02
    qtbot.waitUntil(lambda: not any(f.busy for f in fillers), timeout=5000)
    assert rows == [list(range(30))] * 3
