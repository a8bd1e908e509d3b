"""Fallback for any other text: every non-empty line is an event, level guessed from its words."""

from __future__ import annotations

import re

from acronis_triage.analyzers.errorcodes import find_codes
from acronis_triage.analyzers.formats.base import Parser, guess_level
from acronis_triage.analyzers.formats.timeparse import parse_time
from acronis_triage.analyzers.model import Event

# A timestamp at the start of a line: ISO-like, or numeric date + time, optionally in brackets.
LEADING_TIME = re.compile(
    r"^\[?(?P<ts>\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,:]\d{1,7})?(?:Z|[+-]\d{2}:?\d{2})?"
    r"|\d{1,2}[/.]\d{1,2}[/.]\d{2,4},? \d{1,2}:\d{2}:\d{2}(?: ?[AP]M)?)\]?[\s:]"
)
# Code-bearing text always has "0x" or a code label with a colon; skipping the rest keeps big files fast.
_MAY_HAVE_CODES = re.compile(r"0x|:\s*\d", re.IGNORECASE)


def line_event(line: str, line_no: int, file: str, kind: str) -> Event:
    m = LEADING_TIME.match(line)
    time = parse_time(m["ts"]) if m else None
    message = line[m.end() :].strip() if m else line.strip()
    codes = find_codes(line) if _MAY_HAVE_CODES.search(line) else []
    return Event(time, guess_level(message), message, file, line_no, line, kind, codes, {})


class TextParser(Parser):
    kind = "text"
    line_based = True

    def parse_block(self, lines: list[str], first_line: int, file: str) -> list[Event]:
        events = []
        for offset, line in enumerate(lines):
            line = line.rstrip("\r\n")
            if line.strip():
                events.append(line_event(line, first_line + offset, file, self.kind))
        return events
