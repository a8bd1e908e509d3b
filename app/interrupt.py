"""Ctrl+C during ``collect``: the first press cancels (a valid, partial bundle follows), the second stops at once.

The second press must work even when the interpreter cannot run Python code: a signal handler runs on the
main thread only, between bytecodes, and only once that thread holds the GIL, which a collector thread keeps
for as long as a single native call lasts (a long regular expression, a large decompression). So on POSIX a
small watchdog process is forked before the run starts. The C-level signal handler writes every signal's
number to a pipe (`signal.set_wakeup_fd`, no GIL needed); the watchdog reads that pipe, and on a second press
that the run did not act on within `GRACE_S` it kills the run and its children, removes the unfinished
bundle and says so. Where the handler can run, it does the same itself, at once. Windows has no fork: there
the handler alone serves, as soon as the interpreter lets it run.
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

from acronis_triage.app import TOOL_NAME
from acronis_triage.collectors.cancel import CancelToken

GRACE_S = 0.5  # how long the watchdog lets the run's own handler stop it first
PRESS_GAP_S = 0.1  # one Ctrl+C reaches every process of the terminal's group within this: one press
CANCELLING = f"{TOOL_NAME}: cancelling; finishing a partial bundle (Ctrl+C again to stop at once)"


def stopped_message(removed: bool) -> str:
    return (f"{TOOL_NAME}: interrupted twice; stopped at once"
            + ("; the unfinished bundle was removed, nothing was written" if removed else ""))


def _remove(part: bytes | str | None) -> bool:
    if not part:
        return False
    try:
        if os.path.isdir(part) and not os.path.islink(part):
            # an export's private staging folder (app.export): the unfinished zip and everything made from it
            shutil.rmtree(part)
        else:
            os.unlink(part)
    except OSError:
        return False
    return True


def _say(line: str) -> None:
    # os.write, not print: the handler may interrupt a print on this very stream (a reentrant-call error).
    with contextlib.suppress(OSError):
        os.write(2, (line + "\n").encode("utf-8", errors="backslashreplace"))


class InterruptGuard:
    """Installs the Ctrl+C behaviour of ``collect`` for the duration of a ``with`` block (main thread only)."""

    def __init__(self, cancel: CancelToken) -> None:
        self.cancel = cancel
        self.presses = 0
        self.part: str | None = None
        self._previous: Any = None
        self._previous_wakeup = -1
        self._watchdog: int | None = None
        self._control: int | None = None
        self._fds: list[int] = []
        self.active = False

    # -- lifecycle

    def __enter__(self) -> InterruptGuard:
        if threading.current_thread() is not threading.main_thread():
            return self
        self.active = True
        if hasattr(os, "fork") and sys.platform != "win32":
            self._start_watchdog()
        self._previous = signal.signal(signal.SIGINT, self._on_sigint)
        return self

    def __exit__(self, *exc: object) -> None:
        if not self.active:
            return
        self.active = False
        signal.signal(signal.SIGINT, self._previous)
        if self._watchdog is not None:
            with contextlib.suppress(ValueError, OSError):
                signal.set_wakeup_fd(self._previous_wakeup)
            for fd in self._fds:
                with contextlib.suppress(OSError):
                    os.close(fd)
            self._fds = []
            self._control = None
            deadline = time.monotonic() + 1.0
            while time.monotonic() < deadline:  # it ends on the control pipe's end of file
                with contextlib.suppress(ChildProcessError):
                    if os.waitpid(self._watchdog, os.WNOHANG)[0]:
                        break
                time.sleep(0.01)
            self._watchdog = None

    def set_part(self, path: str | Path) -> None:
        """The unfinished bundle to remove if the run is stopped at once."""
        self.part = str(path)
        if self._control is not None:
            with contextlib.suppress(OSError):
                os.write(self._control, os.fsencode(self.part) + b"\0")

    # -- the handler

    def _on_sigint(self, signum: int, frame: object) -> None:
        self.presses += 1
        if self.presses == 1:
            _say(CANCELLING)
            self.cancel.cancel("interrupted by Ctrl+C")
            return
        self.stop_now()

    def stop_now(self) -> None:
        removed = _remove(self.part)
        _say(stopped_message(removed))
        os._exit(1)

    # -- the watchdog (POSIX)

    def _start_watchdog(self) -> None:
        import psutil  # noqa: F401 - imported before the fork: the child must not import while another thread may

        wake_r, wake_w = os.pipe()
        ctl_r, ctl_w = os.pipe()
        os.set_blocking(wake_w, False)
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the forked child; tested through a real second Ctrl+C
            try:
                os.close(wake_w)
                os.close(ctl_w)
                # Only stderr is kept: a reader of the run's stdout (collect --json | jq) must see its end.
                devnull = os.open(os.devnull, os.O_RDWR)
                os.dup2(devnull, 0)
                os.dup2(devnull, 1)
                _watchdog(parent, wake_r, ctl_r)
            finally:
                os._exit(0)
        os.close(wake_r)
        os.close(ctl_r)
        self._watchdog = pid
        self._control = ctl_w
        self._fds = [wake_w, ctl_w]
        self._previous_wakeup = signal.set_wakeup_fd(wake_w, warn_on_full_buffer=False)
        _forget_in_forked_children(self)
        if self.part:
            self.set_part(self.part)


_GUARDS: list[InterruptGuard] = []
_HOOKED = False


def _forget_in_forked_children(guard: InterruptGuard) -> None:
    # The analysis forks worker processes: they must neither report their own copies of a Ctrl+C to the
    # watchdog nor hold the control pipe open (the watchdog ends on its end of file).
    global _HOOKED
    _GUARDS[:] = [guard]
    if _HOOKED or not hasattr(os, "register_at_fork"):
        return
    _HOOKED = True

    def in_child() -> None:
        for g in _GUARDS:
            if g._watchdog is None:
                continue
            with contextlib.suppress(ValueError, OSError):
                signal.set_wakeup_fd(-1)
            for fd in g._fds:
                with contextlib.suppress(OSError):
                    os.close(fd)
            g._fds, g._control, g._watchdog = [], None, None
        _GUARDS.clear()

    os.register_at_fork(after_in_child=in_child)


def _watchdog(parent: int, wake: int, control: int) -> None:  # pragma: no cover - forked child
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the terminal sends Ctrl+C to the watchdog too
    part = b""
    pending = b""
    presses = 0
    last = -1.0

    def read_control() -> bool:
        nonlocal part, pending
        data = os.read(control, 65536)
        if not data:
            return False
        pending += data
        *paths, pending = pending.split(b"\0")
        if paths:
            part = paths[-1]
        return True

    while presses < 2:
        ready, _, _ = select.select([wake, control], [], [])
        if control in ready and not read_control():
            return  # the run ended (or died): nothing to watch
        if wake in ready:
            data = os.read(wake, 512)
            now = time.monotonic()
            if signal.SIGINT in data and now - last > PRESS_GAP_S:
                presses += 1
                last = now
    deadline = time.monotonic() + GRACE_S
    while (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([control], [], [], left)
        if ready and not read_control():
            return  # the run's own handler stopped it
    _stop(parent, part)


def _stop(parent: int, part: bytes) -> None:  # pragma: no cover - forked child
    import psutil

    try:
        children = [p for p in psutil.Process(parent).children(recursive=True) if p.pid != os.getpid()]
    except psutil.Error:
        children = []
    with contextlib.suppress(OSError):
        os.kill(parent, signal.SIGKILL)
    for child in children:
        # Commands run in their own sessions: their whole group goes with them.
        with contextlib.suppress(OSError, psutil.Error):
            if os.getpgid(child.pid) == child.pid:
                os.killpg(child.pid, signal.SIGKILL)
        with contextlib.suppress(psutil.Error):
            child.kill()
    _say(stopped_message(_remove(part)))
