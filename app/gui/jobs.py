"""Work that must not block the window (reading a bundle, analyzing a file, loading a log) on a pool thread.

A `Jobs` object delivers the answer of the latest request only: a viewer asked for file B after file A shows B,
whichever finishes first. The signals live on a QObject made on the GUI thread, so answers arrive as queued calls.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

# While a pool thread runs Python, the GUI thread gets the interpreter back only when the holder is asked to drop
# it: after Python's default of 5 ms, at every call into Qt that released it. 1 ms keeps each of those waits short;
# the pool's jobs lose little to the extra switches.
GUI_SWITCH_INTERVAL_S = 0.001


def share_the_interpreter_quickly() -> None:
    """Set the interpreter's switch interval for a window process (see `GUI_SWITCH_INTERVAL_S`)."""
    sys.setswitchinterval(GUI_SWITCH_INTERVAL_S)


class _Signals(QObject):
    done = Signal(int, object)
    failed = Signal(int, str, str)


class FunctionJob(QRunnable):
    def __init__(self, number: int, function: Callable[[], Any]) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.number = number
        self.function = function
        self.signals = _Signals()

    def start(self, pool: QThreadPool) -> None:
        pool.start(self)

    def run(self) -> None:
        try:
            try:
                value = self.function()
            except Exception as exc:  # noqa: BLE001 - an exception lost on a pool thread would leave the window waiting
                self.signals.failed.emit(self.number, f"{type(exc).__name__}: {' '.join(str(exc).split())}"
                                         if not _user_error(exc) else str(exc), traceback.format_exc())
            else:
                self.signals.done.emit(self.number, value)
        except RuntimeError:
            pass  # the window went away (the application is quitting): nobody is left to tell


def _user_error(exc: Exception) -> bool:
    # Errors whose message is already the one line for the user (no class name in front).
    from acronis_triage.app.escalate import EscalateError
    from acronis_triage.app.gui.case import NothingAnalyzed
    from acronis_triage.app.gui.evidence_text import EvidenceError

    return isinstance(exc, (EscalateError, EvidenceError, NothingAnalyzed))


class Jobs(QObject):
    """Runs one kind of request at a time on the pool; only the latest request's answer is delivered.

    Signals:
        done(object): the latest request's value.
        failed(str, str): the latest request raised: one line, then the traceback.
    """

    done = Signal(object)
    failed = Signal(str, str)

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self._pool = pool or QThreadPool.globalInstance()
        self._latest = 0
        self._running: dict[int, FunctionJob] = {}

    @property
    def busy(self) -> bool:
        return self._latest in self._running

    def submit(self, function: Callable[[], Any]) -> int:
        self._latest += 1
        job = FunctionJob(self._latest, function)
        job.signals.done.connect(self._done)
        job.signals.failed.connect(self._failed)
        self._running[job.number] = job
        job.start(self._pool)
        return job.number

    def forget(self) -> None:
        """Answers still under way are dropped (the view they were for was cleared)."""
        self._latest += 1

    def _done(self, number: int, value: object) -> None:
        self._running.pop(number, None)
        if number == self._latest:
            self.done.emit(value)

    def _failed(self, number: int, summary: str, details: str) -> None:
        self._running.pop(number, None)
        if number == self._latest:
            self.failed.emit(summary, details)
