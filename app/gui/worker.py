"""Runs `app.pipeline.run_collect` on a pool thread and relays its events to the GUI thread.

The signals live on a separate QObject (a QRunnable cannot own signals) created on the GUI thread, so
every emit from the worker or from the engine's collector threads reaches the widgets as a queued call.
The worker never touches a widget.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from app.pipeline import CollectOptions, CollectResult, run_collect
from collectors.base import Collector
from collectors.cancel import CancelToken
from collectors.engine import EngineEvent

RunFunction = Callable[..., CollectResult]

# A collector reporting progress in a tight loop must not flood the GUI thread's event queue.
PROGRESS_INTERVAL_S = 0.1


class WorkerSignals(QObject):
    """Signals of one `CollectWorker`.

    Signals:
        started(): the run began.
        progressed(EngineEvent): planned, started, progress, finished or phase.
        result(CollectResult): the run ended; the result says how (complete, incomplete, nothing written).
        errored(str, str): the run stopped on an unexpected exception: one line, then the traceback.
        finished(): always last, after ``result`` or ``errored``.
    """

    started = Signal()
    progressed = Signal(object)
    result = Signal(object)
    errored = Signal(str, str)
    finished = Signal()


class CollectWorker(QRunnable):
    """One collection run. Create it on the GUI thread, connect ``signals``, then ``start()``."""

    _active: ClassVar[set[CollectWorker]] = set()
    _active_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, options: CollectOptions, *, collectors: list[type[Collector]] | None = None,
                 run: RunFunction = run_collect, progress_interval_s: float = PROGRESS_INTERVAL_S,
                 **run_kwargs: Any) -> None:
        super().__init__()
        # The window keeps its own reference until `finished` is delivered; Qt must not delete it first.
        self.setAutoDelete(False)
        self.options = options
        self.collectors = collectors
        self.signals = WorkerSignals()
        self.cancel_token = CancelToken()
        self._run = run
        self._run_kwargs = run_kwargs
        self._progress_interval_s = progress_interval_s
        self._last_progress: dict[str, float] = {}
        self._relay_lock = threading.Lock()

    @classmethod
    def active(cls) -> list[CollectWorker]:
        """Workers whose run has not returned yet (tests check that none outlives them)."""
        with cls._active_lock:
            return list(cls._active)

    def start(self, pool: QThreadPool | None = None) -> None:
        with self._active_lock:
            self._active.add(self)
        (pool or QThreadPool.globalInstance()).start(self)

    def cancel(self, reason: str = "cancelled by the user") -> None:
        self.cancel_token.cancel(reason)

    @property
    def cancelled(self) -> bool:
        return self.cancel_token.is_cancelled()

    def run(self) -> None:
        try:
            self.signals.started.emit()
            try:
                result = self._run(self.options, on_event=self._relay, cancel=self.cancel_token,
                                   collectors=self.collectors, **self._run_kwargs)
            except Exception as exc:  # noqa: BLE001 - an exception lost on a pool thread would hang the window
                self.signals.errored.emit(f"{type(exc).__name__}: {' '.join(str(exc).split())}",
                                          traceback.format_exc())
            else:
                self.signals.result.emit(result)
        finally:
            with self._active_lock:
                self._active.discard(self)
            self.signals.finished.emit()

    def _relay(self, event: EngineEvent) -> None:
        if event.kind == "progress":
            now = time.monotonic()
            with self._relay_lock:
                last = self._last_progress.get(event.collector, 0.0)
                if now - last < self._progress_interval_s:
                    return
                self._last_progress[event.collector] = now
        self.signals.progressed.emit(event)
