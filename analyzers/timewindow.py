"""The collection's time window applied to events, not only to file modification times.

A log modified yesterday can hold months of events; with a window of seven days, the errors of last spring are
not this ticket's problem. The window is set around one analysis (like the zone of naive times) and read by the
scanner for each parsed event; events without a time cannot be placed and are always analyzed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True)
class EventWindow:
    since: datetime | None = None
    until: datetime | None = None

    def contains(self, t: datetime) -> bool:
        if t.tzinfo is None:  # a parser that could not place the time in a zone: UTC, as timeparse does
            t = t.replace(tzinfo=UTC)
        try:
            return (self.since is None or t >= self.since) and (self.until is None or t <= self.until)
        except TypeError:
            return True

    def to_json(self) -> dict[str, Any]:
        return {"since": self.since.isoformat(timespec="seconds") if self.since else None,
                "until": self.until.isoformat(timespec="seconds") if self.until else None}


_WINDOW: ContextVar[EventWindow | None] = ContextVar("event_window", default=None)


def current_window() -> EventWindow | None:
    return _WINDOW.get()


@contextmanager
def event_window(window: EventWindow | None) -> Iterator[None]:
    """Within the block, parsed events dated outside `window` are counted, not matched (None: no window)."""
    token = _WINDOW.set(window)
    try:
        yield
    finally:
        _WINDOW.reset(token)
