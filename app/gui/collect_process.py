"""The window's collection runs in a child process of its own: `app.pipeline.run_collect`, as the CLI runs it.

Why a process: a run on a thread of the window's interpreter holds the interpreter lock whenever it runs Python
(redaction, analysis), and the window's event loop waits for it (stalls of 100-170 ms were measured on a 320 MB
drive); and a process with threads must not fork, so the analysis could not use its forked workers there. The
child is started with multiprocessing's "spawn" method (a fresh interpreter: nothing of Qt is inherited, and it
works the same on Windows and in the frozen build, where `packaging/launcher.py` calls ``freeze_support``).

The protocol, child to parent, on one pipe: ``("ready",)`` once the cancel handler is in place, then
``("event", EngineEvent)`` for each event (progress thinned here, before it crosses the pipe), and last
``("result", CollectResult)`` or ``("error", summary, traceback)``. Parent to child, on another pipe: the reason of
a cancel. On POSIX the parent then sends SIGUSR1, whose handler runs on the child's main thread, so the child has
no extra thread and its analysis still forks; on Windows (no fork there anyway) a thread of the child waits for
the reason. A cancelled run ends as it does in the CLI: the collectors stop, the partial bundle is finished and
verified, and the result says "cancelled". `CollectProcess.kill` is for a run that must end at once (the window
is going away): the child and its children are killed and the unfinished bundle is removed, so nothing half
written is left under any name.

No Qt in this module: the child imports it, and must start fast.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import threading
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from acronis_triage.app.pipeline import CollectOptions, run_collect
from acronis_triage.collectors.base import Collector
from acronis_triage.collectors.cancel import CancelToken
from acronis_triage.collectors.engine import EngineEvent

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

# A collector reporting progress in a tight loop must not flood the window's event queue.
PROGRESS_INTERVAL_S = 0.1
CANCEL_SIGNAL = getattr(signal, "SIGUSR1", None)  # None on Windows: a thread of the child waits for the reason
DEFAULT_CANCEL_REASON = "cancelled by the user"
# The run is background work for the window: on a busy machine the window's thread gets a core first when it
# wakes (without this, 150 ms stalls were seen while the analysis kept both cores busy, at a load average of 5).
CHILD_NICENESS = 5

Message = tuple[Any, ...]


class ProgressThinner:
    """Lets through at most one ``progress`` event per collector every `interval_s`; every other kind always."""

    def __init__(self, interval_s: float = PROGRESS_INTERVAL_S) -> None:
        self.interval_s = interval_s
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()  # the engine's collector threads report at the same time

    def admit(self, event: EngineEvent) -> bool:
        if event.kind != "progress":
            return True
        now = time.monotonic()
        with self._lock:
            if now - self._last.get(event.collector, -self.interval_s) < self.interval_s:
                return False
            self._last[event.collector] = now
        return True


def one_line(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {' '.join(str(exc).split())}"


def remove_unfinished(path: str | Path | None) -> bool:
    """Remove a run's unfinished bundle (a ``.part`` file, or an export's private staging folder)."""
    if not path:
        return False
    try:
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.unlink(path)
    except OSError:
        return False
    return True


# ---- the child


def child_main(options: CollectOptions, collectors: list[type[Collector]] | None, events: Connection,
               control: Connection, progress_interval_s: float) -> None:
    """Entry point of the child process: one `run_collect`, its events and its end sent to the parent."""
    # Ctrl+C in the terminal the window was started from reaches this process group: the window decides.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _lower_priority()
    token = CancelToken()
    send_lock = threading.Lock()

    def send(message: Message) -> None:
        with send_lock:
            try:
                events.send(message)
            except (OSError, ValueError):
                # The window is gone: nobody will see this run's bundle; stop soon.
                token.cancel("the window was closed")

    def cancel_from_parent(*_: object) -> None:
        reason = DEFAULT_CANCEL_REASON
        with contextlib.suppress(OSError, EOFError):
            while control.poll():
                reason = control.recv()
        token.cancel(reason)

    if CANCEL_SIGNAL is not None:
        signal.signal(CANCEL_SIGNAL, cancel_from_parent)
    else:
        threading.Thread(target=_wait_for_cancel, args=(control, token), name="cancel-listener",
                         daemon=True).start()
    send(("ready",))
    thinner = ProgressThinner(progress_interval_s)

    def on_event(event: EngineEvent) -> None:
        if thinner.admit(event):
            send(("event", event))

    try:
        result = run_collect(options, on_event=on_event, cancel=token, collectors=collectors)
    except Exception as exc:  # noqa: BLE001 - the window shows it; a lost exception would leave it waiting
        send(("error", one_line(exc), traceback.format_exc()))
        return
    try:
        send(("result", result))
    except Exception as exc:  # noqa: BLE001 - a result that cannot be pickled must still end the run visibly
        send(("error", one_line(exc), traceback.format_exc()))


def _lower_priority() -> None:
    try:
        if hasattr(os, "nice"):
            os.nice(CHILD_NICENESS)
        else:  # Windows
            import psutil

            psutil.Process().nice(psutil.BELOW_NORMAL_PRIORITY_CLASS)  # type: ignore[attr-defined]  # Windows only
    except Exception:  # noqa: BLE001 - a run at the window's priority is still a run
        pass


def _wait_for_cancel(control: Connection, token: CancelToken) -> None:
    with contextlib.suppress(OSError, EOFError):
        token.cancel(control.recv())


# ---- the parent


class CollectProcess:
    """One run in a child process. `messages()` yields what the child sends, until it ends."""

    def __init__(self, options: CollectOptions, collectors: list[type[Collector]] | None = None, *,
                 progress_interval_s: float = PROGRESS_INTERVAL_S) -> None:
        import multiprocessing  # here, not at the top: the window's first paint does not wait for it

        context = multiprocessing.get_context("spawn")
        self._events, child_events = context.Pipe(duplex=False)
        child_control, self._control = context.Pipe(duplex=False)
        self._child_ends = (child_events, child_control)
        self._process = context.Process(
            target=child_main, args=(options, collectors, child_events, child_control, progress_interval_s),
            name="acronis-triage-collect", daemon=True)
        self._lock = threading.Lock()
        self._ready = False
        self._cancel_reason: str | None = None
        self._killed = False
        self.unfinished: str | None = None  # the bundle being written (the pipeline's "bundle" event)

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def start(self) -> None:
        with self._lock:  # not after `kill`, and `kill` waits for a start under way
            if not self._killed:
                self._process.start()
        for end in self._child_ends:  # the parent keeps no copy: the child's exit closes the pipe
            end.close()

    def messages(self) -> Iterator[Message]:
        """The child's messages in order; ends when the child closes its end of the pipe (it ended or died)."""
        while True:
            try:
                message = self._events.recv()
            except (EOFError, OSError):
                return
            if message[0] == "ready":
                with self._lock:
                    self._ready = True
                    if self._cancel_reason is not None:
                        self._signal()
                continue
            if message[0] == "event" and message[1].kind == "bundle":
                self.unfinished = message[1].text or None
            yield message
            if message[0] in ("result", "error"):
                return

    def cancel(self, reason: str = DEFAULT_CANCEL_REASON) -> None:
        """Ask the run to stop as the CLI's first Ctrl+C does: it finishes a partial bundle."""
        with self._lock:
            if self._cancel_reason is not None:
                return
            self._cancel_reason = reason
            with contextlib.suppress(OSError, ValueError):
                self._control.send(reason)
            if self._ready:
                self._signal()

    def _signal(self) -> None:
        # Only once the child says its handler is in place: SIGUSR1's default action would end it.
        if CANCEL_SIGNAL is not None and self._process.pid is not None:
            with contextlib.suppress(OSError):
                os.kill(self._process.pid, CANCEL_SIGNAL)

    def kill(self) -> bool:
        """End the run at once: the child, the processes it started, and its unfinished bundle."""
        with self._lock:
            self._killed = True
            pid = self._process.pid
        if pid is None:
            return False  # never started
        if self._process.is_alive():
            for child in _descendants(pid):
                with contextlib.suppress(Exception):
                    child.kill()
            self._process.kill()
        self._process.join(5)
        return remove_unfinished(self.unfinished)

    def join(self, timeout: float | None = None) -> int | None:
        """Wait for the child to exit; its exit code (None while it still runs, or if it never started)."""
        if self._process.pid is None:
            return None
        self._process.join(timeout)
        return self._process.exitcode

    def close(self) -> None:
        for end in (self._events, self._control):
            end.close()

    @property
    def killed(self) -> bool:
        return self._killed


def _descendants(pid: int) -> list[Any]:
    try:
        import psutil

        return list(psutil.Process(pid).children(recursive=True))
    except Exception:  # noqa: BLE001 - psutil missing or the process already gone: the child alone is killed
        return []

