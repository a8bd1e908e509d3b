"""Runs a collection off the GUI thread and relays its events to the window.

By default the run is `app.pipeline.run_collect` in a child process (`app.gui.collect_process`: the window's
interpreter stays free for the window, and the analysis can fork its workers there as in the CLI). A `run`
function given to `CollectWorker` is called in this process instead, on a thread: a seam for tests and embedders
whose entry point cannot cross a process boundary (a closure, a spy).

The signals live on a QObject created on the GUI thread; they are emitted from the worker's relay thread, so each
reaches the widgets as a queued call. The worker never touches a widget.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from acronis_triage.app.gui.collect_process import PROGRESS_INTERVAL_S, CollectProcess, ProgressThinner, one_line
from acronis_triage.app.pipeline import CollectOptions, CollectResult
from acronis_triage.collectors.base import Collector
from acronis_triage.collectors.cancel import CancelToken
from acronis_triage.collectors.engine import EngineEvent

RunFunction = Callable[..., CollectResult]
CHILD_EXIT_WAIT_S = 5.0  # after its result the child only has to exit; the window is not blocked meanwhile

_running: set[CollectWorker] = set()
_running_lock = threading.Lock()


def running_workers() -> list[CollectWorker]:
    """Workers started whose run has not ended yet. `stop_all` ends them when the application quits; the GUI
    tests check that none outlives its test."""
    with _running_lock:
        return list(_running)


def stop_all(wait_s: float = 5.0) -> None:
    """End every run at once (the application is quitting): children killed, unfinished bundles removed."""
    for worker in running_workers():
        worker.stop_now()
    for worker in running_workers():
        worker.wait(wait_s)


class WorkerSignals(QObject):
    """Signals of one `CollectWorker`.

    Signals:
        started(): the run began.
        progressed(EngineEvent): planned, started, progress, finished, phase or bundle.
        result(CollectResult): the run ended; the result says how (complete, incomplete, nothing written).
        errored(str, str): the run stopped on an unexpected exception: one line, then the traceback.
        finished(): always last, after ``result`` or ``errored``.
    """

    started = Signal()
    progressed = Signal(object)
    result = Signal(object)
    errored = Signal(str, str)
    finished = Signal()


class CollectWorker:
    """One collection run. Create it on the GUI thread, connect ``signals``, then ``start()``.

    Args:
        options: what to collect, and where to write the bundle.
        collectors: these collector classes instead of the discovered ones (in a child process they must be
            importable by module and name).
        run: call this in this process instead of `run_collect` in a child process (see the module's docstring).
        progress_interval_s: at most one progress event per collector this often.
    """

    def __init__(self, options: CollectOptions, *, collectors: list[type[Collector]] | None = None,
                 run: RunFunction | None = None, progress_interval_s: float = PROGRESS_INTERVAL_S,
                 **run_kwargs: Any) -> None:
        self.options = options
        self.collectors = collectors
        self.signals = WorkerSignals()
        self.cancel_token = CancelToken()
        self._run = run
        self._run_kwargs = run_kwargs
        self._progress_interval_s = progress_interval_s
        self._thread: threading.Thread | None = None
        self._process: CollectProcess | None = None
        self._stopping = False

    @property
    def in_child_process(self) -> bool:
        return self._run is None

    def start(self) -> None:
        if self._run is None:
            if self._run_kwargs:
                raise TypeError(f"{sorted(self._run_kwargs)} reach an in-process run only (pass run=)")
            target = self._relay_child
        else:
            target = self._run_here
        self._thread = threading.Thread(target=target, name="collect-worker", daemon=True)
        with _running_lock:
            _running.add(self)
        self._thread.start()

    def cancel(self, reason: str = "cancelled by the user") -> None:
        """Stop the collectors and finish a partial bundle, as the CLI's first Ctrl+C does."""
        self.cancel_token.cancel(reason)

    @property
    def cancelled(self) -> bool:
        return self.cancel_token.is_cancelled()

    def stop_now(self) -> None:
        """End a run in a child process at once, leaving no unfinished bundle (an in-process run is cancelled)."""
        self.cancel("the application is quitting")
        self._stopping = True
        process = self._process  # None while the relay thread is still making it: it sees `_stopping` then
        if process is not None:
            process.kill()

    def wait(self, timeout_s: float | None = None) -> bool:
        """Wait for the run to end (the relay thread too); True when it has."""
        if self._thread is not None:
            self._thread.join(timeout_s)
            return not self._thread.is_alive()
        return True

    # ---- the relay thread

    def _relay_child(self) -> None:
        ended = False
        process: CollectProcess | None = None
        try:
            self.signals.started.emit()
            try:
                # Made here, not on the GUI thread: importing multiprocessing and spawning cost the window 10-70 ms.
                process = self._process = CollectProcess(self.options, self.collectors,
                                                         progress_interval_s=self._progress_interval_s)
                if self._stopping:
                    process.kill()
                self.cancel_token.on_cancel(lambda: process.cancel(self.cancel_token.reason))
                process.start()
                for message in process.messages():
                    kind = message[0]
                    if kind == "event":
                        self.signals.progressed.emit(message[1])
                    elif kind == "result":
                        ended = True
                        self.signals.result.emit(message[1])
                    elif kind == "error":
                        ended = True
                        self.signals.errored.emit(message[1], message[2])
                code = process.join(CHILD_EXIT_WAIT_S)
                if code is None:  # a child that lingers after its last word (or fell silent) is not waited for
                    process.kill()
                    code = process.join(1)
                if not ended:
                    self._child_died(process, code)
            except Exception as exc:  # noqa: BLE001 - an exception lost on this thread would hang the window
                self.signals.errored.emit(one_line(exc), traceback.format_exc())
            finally:
                if process is not None:
                    process.close()
        finally:
            self._ended()

    def _child_died(self, process: CollectProcess, code: int | None) -> None:
        removed = process.kill()
        if process.killed and self.cancelled:
            summary = "the run was stopped at once" + ("; the unfinished bundle was removed" if removed else "")
        else:
            summary = (f"the collection process ended unexpectedly (exit code {code})"
                       + ("; the unfinished bundle was removed" if removed else ""))
        self.signals.errored.emit(summary, summary)

    def _run_here(self) -> None:
        assert self._run is not None
        thinner = ProgressThinner(self._progress_interval_s)

        def relay(event: EngineEvent) -> None:
            if thinner.admit(event):
                self.signals.progressed.emit(event)

        try:
            self.signals.started.emit()
            try:
                result = self._run(self.options, on_event=relay, cancel=self.cancel_token,
                                   collectors=self.collectors, **self._run_kwargs)
            except Exception as exc:  # noqa: BLE001 - an exception lost on this thread would hang the window
                self.signals.errored.emit(one_line(exc), traceback.format_exc())
            else:
                self.signals.result.emit(result)
        finally:
            self._ended()

    def _ended(self) -> None:
        with _running_lock:
            _running.discard(self)
        try:
            self.signals.finished.emit()
        except RuntimeError:
            pass  # the signals' QObject is gone (the application quit): nobody is left to tell
