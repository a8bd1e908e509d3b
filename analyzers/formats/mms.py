"""MMS / activity text log (``mms.0.log``): one head line per event plus ``|`` detail lines (DOMAIN.md §2.1)."""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from typing import Any

from acronis_triage.analyzers.errorcodes import find_codes, parse_mms_code
from acronis_triage.analyzers.formats.base import Parser, add_codes, guess_level, level_from_word, parse_detail
from acronis_triage.analyzers.formats.timeparse import naive_tz, tz_from_offset
from acronis_triage.analyzers.model import ErrorCode, Event

# 2018-08-16T22:00:07:205-03:00 9044 I0135003A: message  (colon before the milliseconds; a dot is accepted), and the
# older head of Backup & Recovery 10/11 agents: a space instead of the T and no UTC offset.
HEAD = re.compile(
    r"(?P<Y>\d{4})-(?P<m>\d\d)-(?P<d>\d\d)[T ](?P<H>\d\d):(?P<M>\d\d):(?P<S>\d\d)[:.,](?P<ms>\d{1,6})"
    r"(?P<tz>Z|[+-]\d\d:?\d\d)? (?P<tid>\d+) (?P<lvl>[A-Z])(?P<code>[0-9A-Fa-f]{8}):(?: (?P<msg>.*)|$)"
)
LEVEL_LETTERS = {
    "D": "debug",
    "T": "debug",
    "V": "debug",
    "I": "info",
    "W": "warning",
    "E": "error",
    "C": "critical",
    "F": "critical",
}
_ERROR_PREFIX = re.compile(r"^Error 0x[0-9A-Fa-f]+:\s*", re.IGNORECASE)
# What the console's activity details and e-mails show: "Error 0x950505: text" (or "Event 0x...:") with the
# ``|`` detail lines below, and no time or thread.
BARE_HEAD = re.compile(r"^(?P<word>Error|Event|Warning)\s+0x(?P<code>[0-9A-Fa-f]{1,8})\s*:\s*(?P<msg>.*)$",
                       re.IGNORECASE)
_TRACE_LEVEL = re.compile(r"^\|\s*trace level\s*:\s*(?P<level>\w+)", re.IGNORECASE | re.MULTILINE)


def _head_time(m: re.Match[str]) -> datetime | None:
    try:
        ms = m["ms"]
        return datetime(
            int(m["Y"]),
            int(m["m"]),
            int(m["d"]),
            int(m["H"]),
            int(m["M"]),
            int(m["S"]),
            int(ms) * 10 ** (6 - len(ms)),
            tzinfo=tz_from_offset(m["tz"]) if m["tz"] else naive_tz(),
        )
    except ValueError:
        return None


def _head(line: str) -> re.Match[str] | None:
    # Cheap test first: every head begins "YYYY-MM-DDT" (or "YYYY-MM-DD ").
    if len(line) > 30 and (line[10] == "T" or line[10] == " ") and line[4] == "-":
        return HEAD.match(line)
    return None


def line_time(line: str) -> datetime | None:
    """The time `MmsParser.parse_block` gives the event of this one line (None for a bare or detail line)."""
    m = _head(line.rstrip("\r\n"))
    return _head_time(m) if m is not None else None


def _bare(line: str) -> re.Match[str] | None:
    if line[:1] in "EeWw" and "0x" in line[:20]:
        return BARE_HEAD.match(line)
    return None


@lru_cache(maxsize=4096)
def _head_code(hex8: str) -> ErrorCode | None:
    return parse_mms_code(hex8)


class MmsParser(Parser):
    kind = "mms"
    line_based = True

    def is_event_start(self, line: str) -> bool:
        return _head(line) is not None or _bare(line) is not None

    def parse_block(self, lines: list[str], first_line: int, file: str) -> list[Event]:
        events = []
        start = 0
        head: re.Match[str] | None = None
        clean = [line.rstrip("\r\n") for line in lines]
        for i, line in enumerate(clean):
            m = _head(line) or _bare(line)
            if m is None:
                continue
            if i > start:
                events.append(self._event(head, clean[start:i], first_line + start, file))
            start, head = i, m
        if start < len(clean):
            events.append(self._event(head, clean[start:], first_line + start, file))
        return events

    def _event(self, m: re.Match[str] | None, lines: list[str], line_no: int, file: str) -> Event:
        codes: list[ErrorCode] = []
        fields: dict[str, Any] = {}
        if m is not None and m.re is BARE_HEAD:
            return self._bare_event(m, lines, line_no, file)
        if m is None:
            # Detail lines without their head (a rotated log starts mid-event): keep them, undated.
            parse_detail((x[1:] for x in lines if x.startswith("|")), codes, fields)
            text = next((x.lstrip("| ").strip() for x in lines if x.strip(" |")), "")
            return Event(
                None, guess_level("\n".join(lines)), text, file, line_no, "\n".join(lines), self.kind, codes, fields
            )
        message = m["msg"] or ""
        head = _head_code(m["code"])
        if head is not None:
            text = _ERROR_PREFIX.sub("", message) if message[:5].lower() == "error" else message
            codes.append(ErrorCode(head.module, head.code, text))
        if "0x" in message:
            add_codes(codes, find_codes(message))
        fields["thread"] = m["tid"]
        if len(lines) > 1:
            parse_detail((x[1:] for x in lines[1:] if x.startswith("|")), codes, fields)
        return Event(
            _head_time(m),
            LEVEL_LETTERS.get(m["lvl"], "info"),
            message,
            file,
            line_no,
            "\n".join(lines) if len(lines) > 1 else lines[0],
            self.kind,
            codes,
            fields,
        )

    def _bare_event(self, m: re.Match[str], lines: list[str], line_no: int, file: str) -> Event:
        codes: list[ErrorCode] = []
        fields: dict[str, Any] = {}
        message = m["msg"].strip()
        value = int(m["code"], 16)
        if value:
            head = _head_code(f"{value:08X}")
            if head is not None:
                codes.append(ErrorCode(head.module, head.code, message))
        if len(lines) > 1:
            parse_detail((x[1:] for x in lines[1:] if x.startswith("|")), codes, fields)
        text = "\n".join(lines)
        trace = _TRACE_LEVEL.search(text)
        level = level_from_word(trace["level"]) if trace else None
        if m["word"].lower() == "error" or any(c.module is None or c.composite for c in codes[1:]):
            level = "error" if level in (None, "info", "debug") else level
        return Event(None, level or guess_level(message), message, file, line_no, text, self.kind, codes, fields)
