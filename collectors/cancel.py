"""Cooperative cancellation shared by the engine, collectors and the command runner."""

from __future__ import annotations

import threading
from collections.abc import Callable

from acronis_triage.collectors.base import Cancelled


class CancelToken:
    """A flag with a reason. Children follow their parent: cancelling the run cancels every collector."""

    def __init__(self, parent: CancelToken | None = None) -> None:
        self._event = threading.Event()
        self._reason = ""
        self._parent = parent
        self._callbacks: list[Callable[[], None]] = []
        self._lock = threading.Lock()
        if parent is not None:
            parent.on_cancel(lambda: self.cancel(parent.reason))

    @property
    def reason(self) -> str:
        return self._reason

    def cancel(self, reason: str = "cancelled by the user") -> None:
        with self._lock:
            if self._event.is_set():
                return
            self._reason = reason
            self._event.set()
            callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            callback()

    def is_cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled(self._reason)

    def wait(self, timeout: float) -> bool:
        return self._event.wait(timeout)

    def on_cancel(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once when cancelled (at once if already cancelled)."""
        with self._lock:
            if not self._event.is_set():
                self._callbacks.append(callback)
                return
        callback()
