"""Lenient timestamp parsing for every log format.

A time written without a zone (XML activity logs, old MMS heads, MSI logs) is the local time of the machine that
wrote it. When the analysis knows that machine's UTC offset (`naive_zone`), naive times take it; otherwise UTC.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache

# The zone of times written without one, for the analysis under way (a context variable: the window's worker thread
# and a forked worker process each see the value of the run they belong to).
_NAIVE_ZONE: ContextVar[timezone] = ContextVar("naive_zone", default=UTC)


def naive_tz() -> timezone:
    return _NAIVE_ZONE.get()


@contextmanager
def naive_zone(zone: timezone | None) -> Iterator[None]:
    """Within the block, times written without a zone are taken in `zone` (None: UTC)."""
    token = _NAIVE_ZONE.set(zone or UTC)
    try:
        yield
    finally:
        _NAIVE_ZONE.reset(token)

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
# MMS writes a colon before the milliseconds (2018-08-16T22:00:07:205-03:00).
_MMS_MS = re.compile(r"^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}):(\d{1,6})")
_ISO_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_EPOCH = re.compile(r"^\d{9,13}(?:\.\d+)?$")

_TIME = r"(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?(?:[.,](?P<F>\d+))?(?: ?(?P<P>[AaPp])\.?[Mm]\.?)?"
# Numeric dates: 11/20/18, 20.11.2018, 2018/11/20 (order decided in _numeric).
_NUMERIC = re.compile(r"^(?P<a>\d{1,4})(?P<sep>[/.\-])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{2,4}),? " + _TIME + r"$")
# English month names (console: "Nov 18, 2020, 11:07:08 AM"); parsed by hand because strptime's %b and
# %p follow the process locale, which Qt sets from the user's environment.
_MONTH_FIRST = re.compile(r"^(?P<mon>[A-Za-z]{3,9})\.? (?P<d>\d{1,2}),? (?P<y>\d{4}),? " + _TIME + r"$")
_DAY_FIRST = re.compile(r"^(?P<d>\d{1,2}) (?P<mon>[A-Za-z]{3,9})\.? (?P<y>\d{4}),? " + _TIME + r"$")
_CTIME = re.compile(r"^[A-Za-z]{3} (?P<mon>[A-Za-z]{3}) (?P<d>\d{1,2}) " + _TIME + r" (?P<y>\d{4})$")
_MONTHS = {
    m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)
}


def _clock(m: re.Match[str]) -> tuple[int, int, int, int] | None:
    hour = int(m["H"])
    if m["P"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if m["P"] in "Pp" else 0)
    micro = int((m["F"] or "0")[:6].ljust(6, "0"))
    return hour, int(m["M"]), int(m["S"] or 0), micro


def _build(year: int, month: int, day: int, m: re.Match[str]) -> datetime | None:
    clock = _clock(m)
    if clock is None:
        return None
    if year < 100:
        year += 2000
    try:
        return datetime(year, month, day, *clock, tzinfo=_NAIVE_ZONE.get())
    except ValueError:
        return None


def _numeric(m: re.Match[str]) -> datetime | None:
    a, b, c = int(m["a"]), int(m["b"]), int(m["c"])
    if len(m["a"]) == 4:
        return _build(a, b, c, m)
    if m["sep"] != "/" or (a > 12 and not m["P"]):
        return _build(c, b, a, m)
    return _build(c, a, b, m) or _build(c, b, a, m)


def _named(m: re.Match[str]) -> datetime | None:
    month = _MONTHS.get(m["mon"][:3].lower())
    if month is None:
        return None
    return _build(int(m["y"]), month, int(m["d"]), m)


_TZ_CACHE: dict[str, timezone] = {}


def tz_from_offset(text: str) -> timezone:
    """``+01:00``, ``-0300``, ``Z`` → a cached fixed-offset timezone."""
    tz = _TZ_CACHE.get(text)
    if tz is None:
        if text in ("Z", "z", ""):
            tz = UTC
        else:
            sign = -1 if text[0] == "-" else 1
            digits = text[1:].replace(":", "")
            tz = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0)))
        _TZ_CACHE[text] = tz
    return tz


def aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=_NAIVE_ZONE.get())


def parse_time(text: str) -> datetime | None:
    """Any timestamp the Acronis logs use; None when nothing fits."""
    return _parse_time(text, _NAIVE_ZONE.get())


@lru_cache(maxsize=8192)
def _parse_time(text: str, _zone: timezone) -> datetime | None:  # the zone is part of the cache key
    s = _SPACES.sub(" ", text).strip()
    if not s:
        return None
    if _ISO_LIKE.match(s):
        s = _MMS_MS.sub(r"\1.\2", s)
        try:
            return aware(datetime.fromisoformat(s.replace(" ", "T", 1)))
        except ValueError:
            pass
    if _EPOCH.match(s):
        value = float(s)
        if value > 1e11:  # milliseconds
            value /= 1000
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    m = _NUMERIC.match(s)
    if m:
        return _numeric(m)
    m = _MONTH_FIRST.match(s) or _DAY_FIRST.match(s) or _CTIME.match(s)
    if m:
        return _named(m)
    return None
