"""Windows events rendered as text: ``wevtutil qe ... /f:text`` and PowerShell ``Format-List`` output.

wevtutil prints ``Event[n]:`` then two-space-indented ``Key: value`` lines in a fixed order, the last
being ``Description:`` followed by the free-text description. The labels are localized on non-English
Windows, so unknown labels are mapped by their position in that fixed order.
PowerShell ``Get-WinEvent | Format-List`` / ``Get-EventLog`` print ``Key : value`` records separated by
blank lines, with the message continued on indented lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from acronis_triage.analyzers.errorcodes import find_codes
from acronis_triage.analyzers.formats.base import Parser, guess_level, level_from_word
from acronis_triage.analyzers.formats.timeparse import parse_time
from acronis_triage.analyzers.model import Event

EVENT_HEAD = re.compile(r"^Event\[\d+\]:\s*$")
WEVTUTIL_KEY = re.compile(r"^ {2}(?P<key>[^:]{1,40}?):(?: (?P<value>.*))?$")
WEVTUTIL_ORDER = (
    "log",
    "source",
    "date",
    "event_id",
    "task",
    "level",
    "opcode",
    "keyword",
    "user",
    "user_name",
    "computer",
    "description",
)
WEVTUTIL_LABELS = {
    "log name": "log",
    "source": "source",
    "date": "date",
    "event id": "event_id",
    "task": "task",
    "level": "level",
    "opcode": "opcode",
    "keyword": "keyword",
    "user": "user",
    "user name": "user_name",
    "computer": "computer",
    "description": "description",
}
FL_KEY = re.compile(r"^(?P<key>[A-Za-z][A-Za-z ]{0,30}?)\s+: ?(?P<value>.*)$")
FL_LABELS = {
    "timecreated": "date",
    "timegenerated": "date",
    "timewritten": "date",
    "providername": "source",
    "source": "source",
    "id": "event_id",
    "eventid": "event_id",
    "instanceid": "event_id",
    "leveldisplayname": "level",
    "entrytype": "level",
    "level": "level",
    "message": "description",
    "logname": "log",
    "machinename": "computer",
    "username": "user_name",
    "taskdisplayname": "task",
}
# Numeric Level of Get-WinEvent: 1 Critical, 2 Error, 3 Warning, 4 Information, 5 Verbose (0 = LogAlways).
NUMERIC_LEVELS = {"0": "info", "1": "critical", "2": "error", "3": "warning", "4": "info", "5": "debug"}


def _level(value: str, description: str) -> str:
    value = value.strip()
    return level_from_word(value) or NUMERIC_LEVELS.get(value) or guess_level(description)


def _event_id(value: str) -> int | str:
    value = value.strip()
    return int(value) if value.isdigit() else value


class WindowsEventParser(Parser):
    kind = "windows_event"
    line_based = False
    streams = True  # iter_document reads in bounded memory

    def parse_document(self, text: str, file: str) -> list[Event]:
        return list(self._iter_lines(iter(text.splitlines()), file))

    def iter_document(self, chunks: Iterable[bytes], file: str) -> Iterator[Event]:
        def lines() -> Iterator[str]:
            for chunk in chunks:
                yield from chunk.decode("utf-8", errors="replace").splitlines()

        yield from self._iter_lines(lines(), file)

    def _iter_lines(self, lines: Iterator[str], file: str) -> Iterator[Event]:
        record: list[str] = []
        start = 0
        wevtutil = None
        for number, line in enumerate(lines, 1):
            line = line.rstrip("\r\n")
            if wevtutil is None and line.strip():
                wevtutil = bool(EVENT_HEAD.match(line))
            if wevtutil:
                if EVENT_HEAD.match(line):
                    if record:
                        yield self._wevtutil(record, start, file)
                    record, start = [line], number
                elif record:
                    record.append(line)
                continue
            # Format-List: records are separated by blank lines.
            if not line.strip():
                if record:
                    yield self._format_list(record, start, file)
                    record = []
                continue
            if not record:
                start = number
            record.append(line)
        if record:
            yield self._wevtutil(record, start, file) if wevtutil else self._format_list(record, start, file)

    def _wevtutil(self, record: list[str], line_no: int, file: str) -> Event:
        values: dict[str, str] = {}
        description: list[str] = []
        position = 0
        in_description = False
        for line in record[1:]:
            if in_description:
                description.append(line)
                continue
            m = WEVTUTIL_KEY.match(line)
            if not m:
                description.append(line)
                continue
            key = WEVTUTIL_LABELS.get(m["key"].strip().lower())
            if key is None and position < len(WEVTUTIL_ORDER):
                key = WEVTUTIL_ORDER[position]
            position += 1
            if key == "description":
                in_description = True
                if m["value"]:
                    description.append(m["value"])
            elif key:
                values[key] = (m["value"] or "").strip()
        return self._event(values, "\n".join(description).strip(), record, line_no, file)

    def _format_list(self, record: list[str], line_no: int, file: str) -> Event:
        values: dict[str, str] = {}
        extra: dict[str, str] = {}
        last: str | None = None
        for line in record:
            m = FL_KEY.match(line)
            if m and not line.startswith(" "):
                name = m["key"].strip()
                last = FL_LABELS.get(name.replace(" ", "").lower(), name)
                target = values if last in WEVTUTIL_ORDER else extra
                target[last] = m["value"].strip()
            elif last is not None:
                target = values if last in WEVTUTIL_ORDER else extra
                target[last] = (target[last] + "\n" + line.strip()).strip()
        description = values.pop("description", "")
        return self._event(values, description, record, line_no, file, extra)

    def _event(
        self,
        values: dict[str, str],
        description: str,
        record: list[str],
        line_no: int,
        file: str,
        extra: dict[str, str] | None = None,
    ) -> Event:
        fields: dict[str, Any] = {k: v for k, v in values.items() if v and v.upper() != "N/A"}
        if "event_id" in fields:
            fields["event_id"] = _event_id(fields["event_id"])
        if extra:
            fields.update(extra)
        message = description or f"{values.get('source', '')} event {values.get('event_id', '')}".strip()
        return Event(
            parse_time(values.get("date", "")),
            _level(values.get("level", ""), description),
            message,
            file,
            line_no,
            "\n".join(record).strip(),
            self.kind,
            find_codes(description),
            fields,
        )
