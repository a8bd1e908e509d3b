"""Filling a view with many rows in slices, so the event loop runs between them and the window never stalls.

A run on a large drive ends with dozens of findings, related articles and form rows, each a few widgets: built in
one go on the GUI thread that took 70-200 ms, during which the window neither painted nor answered. A
`SliceFiller` adds as many rows as fit in `SLICE_BUDGET_S` at once (the first rows, the ones on screen, appear with
the rest of the view), and the remaining ones in later slices from the event loop.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QObject, QTimer

SLICE_BUDGET_S = 0.010  # a slice ends after the row that passes this; the next paint fits in the 30 ms we allow

# The fillers share one budget per pass of the event loop: a step that fills three views at once (findings,
# related articles, unexplained errors) must not spend three budgets before the window paints again.
_pass_deadline: float | None = None


def _deadline(budget_s: float) -> float:
    global _pass_deadline
    if _pass_deadline is None:
        _pass_deadline = time.monotonic() + budget_s
        QTimer.singleShot(0, _end_pass)
    return _pass_deadline


def _end_pass() -> None:
    global _pass_deadline
    _pass_deadline = None


class SliceFiller(QObject):
    """Calls ``add(item)`` for each item, in slices of at most `budget_s` (plus one row) per pass of the event loop,
    shared with the other fillers, then ``done()``. The first row is always added at once.

    A new `fill` or `stop` drops what is left of the previous one."""

    def __init__(self, parent: QObject | None = None, budget_s: float = SLICE_BUDGET_S) -> None:
        super().__init__(parent)
        self.budget_s = budget_s
        self._items: list[Any] = []
        self._next = 0
        self._add: Callable[[Any], None] | None = None
        self._done: Callable[[], None] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._slice)

    @property
    def busy(self) -> bool:
        """Rows are still to be added."""
        return self._add is not None

    def fill(self, items: Iterable[Any], add: Callable[[Any], None], done: Callable[[], None] | None = None) -> None:
        self.stop()
        self._items = list(items)
        self._next = 0
        self._add = add
        self._done = done
        self._slice()

    def stop(self) -> None:
        self._timer.stop()
        self._items, self._add, self._done = [], None, None

    def _slice(self) -> None:
        add = self._add
        if add is None:
            return
        deadline = _deadline(self.budget_s)
        while self._next < len(self._items):
            item = self._items[self._next]
            self._next += 1
            add(item)
            if time.monotonic() >= deadline:
                break
        if self._next < len(self._items):
            self._timer.start()
            return
        done = self._done
        self._items, self._add, self._done = [], None, None
        if done is not None:
            done()
