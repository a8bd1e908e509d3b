"""Short jobs of the guided window off the GUI thread: finding the collectors, saving the bundle.

A `Task` runs one plain function on a pool thread and hands its return value (or the one-line reason it
failed) back to the GUI thread through queued signals. It never touches a widget.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class TaskSignals(QObject):
    done = Signal(object)
    failed = Signal(str)
    finished = Signal()


class Task(QRunnable):
    """Create on the GUI thread, connect ``signals``, then ``start()``. Keep a reference until ``finished``."""

    def __init__(self, function: Callable[[], Any]) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.signals = TaskSignals()
        self._function = function

    def start(self, pool: QThreadPool | None = None) -> None:
        (pool or QThreadPool.globalInstance()).start(self)

    def run(self) -> None:
        try:
            try:
                value = self._function()
            except Exception as exc:  # noqa: BLE001 - the window shows why; a lost exception would hang it
                self.signals.failed.emit(" ".join(str(exc).split()) or type(exc).__name__)
            else:
                self.signals.done.emit(value)
        finally:
            self.signals.finished.emit()
