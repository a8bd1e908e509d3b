"""Installer logs (DOMAIN.md §2.7): Linux ``trueimage-setup.log``, Windows MSI verbose logs, ``acronis_mms`` syslog.

Each non-empty line is an event. MSI lines carry only a time of day, so their time is the date of the
``=== Verbose logging started: ... ===`` banner when that banner is in the same block, otherwise None.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from acronis_triage.analyzers.errorcodes import find_codes
from acronis_triage.analyzers.formats.base import Parser, guess_level, level_from_word
from acronis_triage.analyzers.formats.text import line_event
from acronis_triage.analyzers.formats.timeparse import parse_time
from acronis_triage.analyzers.model import Event

# 2018-02-09T11:41:35+0000:Failed to find directory ...
SETUP_LINE = re.compile(
    r"^(?P<ts>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?):\s?(?P<msg>.*)$"
)
# Jan 29 17:01:19 ns1 acronis_mms[31054]: #033[0m2018-01-29T17:01:19+0100 linux_agent ERROR: Lock file ...
SYSLOG_LINE = re.compile(
    r"^(?P<ts>[A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2}) (?P<host>\S+) (?P<prog>[\w./-]+)(?:\[(?P<pid>\d+)\])?: "
    r"(?P<msg>.*)$"
)
ANSI = re.compile(r"(?:#033|\x1b)\[[0-9;]*m")
INNER_AGENT = re.compile(
    r"^(?P<ts>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?) (?P<component>\S+) "
    r"(?P<level>[A-Z]+): (?P<msg>.*)$"
)
MSI_BANNER = re.compile(r"^=== (?:Verbose )?[Ll]ogging started: (?P<date>\d{1,2}/\d{1,2}/\d{4}) +\d")
MSI_LINE = re.compile(
    r"^MSI \((?P<ctx>[sc])\) \((?P<ids>[0-9A-Fa-f]{2}[:!][0-9A-Fa-f]{2})\) \[(?P<t>[\d:]+)\]: (?P<msg>.*)$"
)
MSI_ACTION = re.compile(
    r"^Action (?:start|ended) (?P<t>\d{1,2}:\d{2}:\d{2}): (?P<action>[^.]+)\.(?: Return value (?P<rv>\d+)\.)?"
)
MSI_ENGINE = re.compile(r"MainEngineThread is returning (?P<rc>\d+)")
MSI_STATUS = re.compile(r"(?:success or error status|exit code|error status):\s*(?P<rc>\d+)", re.IGNORECASE)
# MSI "Return value 3" = failure; 1603/1618/... engine results other than 0 and 3010 (reboot needed) are failures.
MSI_OK = frozenset({0, 3010, 1641})


class InstallerParser(Parser):
    kind = "installer"
    line_based = True

    def parse_block(self, lines: list[str], first_line: int, file: str) -> list[Event]:
        events = []
        day: datetime | None = None
        for offset, line in enumerate(lines):
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            banner = MSI_BANNER.match(line)
            if banner:
                day = parse_time(banner["date"] + " 00:00:00")
            events.append(self._event(line, first_line + offset, file, day))
        return events

    def _event(self, line: str, line_no: int, file: str, day: datetime | None) -> Event:
        m = SETUP_LINE.match(line)
        if m:
            msg = m["msg"]
            return Event(
                parse_time(m["ts"]), guess_level(msg), msg, file, line_no, line, self.kind, find_codes(msg), {}
            )
        m = SYSLOG_LINE.match(line)
        if m:
            return self._syslog(m, line, line_no, file)
        fields: dict[str, Any] = {}
        msg = line.strip()
        time = None
        m = MSI_LINE.match(line) or MSI_ACTION.match(line)
        if m:
            time = _at(day, m["t"])
            if "msg" in m.groupdict():
                msg = m["msg"]
        # "Note: 1: 2205 2: 3: Error" lines are MSI's internal diagnostics, not failures.
        level = "debug" if msg.startswith("Note:") else guess_level(msg)
        if (action := MSI_ACTION.match(line)) is not None:
            fields["action"] = action["action"]
            if action["rv"]:
                fields["return_value"] = int(action["rv"])
                level = "error" if action["rv"] == "3" else "info"
        rc = MSI_ENGINE.search(msg) or MSI_STATUS.search(msg)
        if rc is not None:
            fields["msi_result"] = int(rc["rc"])
            level = "info" if int(rc["rc"]) in MSI_OK else "error"
        if time is None and not fields:
            return line_event(line, line_no, file, self.kind)
        return Event(time, level, msg, file, line_no, line, self.kind, find_codes(msg), fields)

    def _syslog(self, m: re.Match[str], line: str, line_no: int, file: str) -> Event:
        msg = ANSI.sub("", m["msg"]).strip()
        fields: dict[str, Any] = {"host": m["host"], "program": m["prog"]}
        if m["pid"]:
            fields["pid"] = int(m["pid"])
        inner = INNER_AGENT.match(msg)
        if inner:
            fields["component"] = inner["component"]
            text = inner["msg"]
            level = level_from_word(inner["level"]) or guess_level(text)
            return Event(parse_time(inner["ts"]), level, text, file, line_no, line, self.kind, find_codes(text), fields)
        # A syslog stamp has no year: leave the time out rather than guess one.
        return Event(None, guess_level(msg), msg, file, line_no, line, self.kind, find_codes(msg), fields)


def _at(day: datetime | None, clock: str) -> datetime | None:
    if day is None:
        return None
    parts = clock.split(":")
    try:
        return day.replace(hour=int(parts[0]), minute=int(parts[1]), second=int(parts[2]))
    except (ValueError, IndexError):
        return None
