"""``vssadmin list writers | providers | shadowstorage | shadows`` output (DOMAIN.md §6.1).

Read by structure, because vssadmin is localized: an item starts on an unindented line and continues on
indented ``key: value`` lines. A writer is an item with a ``[n]`` state line; the line after it is the
last error. A writer in a failed state ([6]..[15]) or with a last error other than "No error" is an
``error`` event; an unknown state ([0]) a ``warning``; anything else ``info``.
"""

from __future__ import annotations

import re
from typing import Any

from acronis_triage.analyzers.formats.base import Parser
from acronis_triage.analyzers.model import ErrorCode, Event

BANNER = re.compile(r"^vssadmin \d|^\(C\) Copyright", re.IGNORECASE)
STATE = re.compile(r"^\s+(?P<key>[^:]+):\s*\[(?P<n>\d+)\]\s*(?P<text>.*)$")
KEY_VALUE = re.compile(r"^\s*(?P<key>[^:]+?)\s*:\s*(?P<value>.*)$")
QUOTED = re.compile(r"""['"](?P<name>[^'"]*)['"]""")
GUID = re.compile(r"\{[0-9A-Fa-f-]{36}\}")
ERROR_LINE = re.compile(r"^(?:Error|Fehler|Erreur|Errore)\s*:", re.IGNORECASE)

# VSS_WRITER_STATE values 6..15 are the FAILED_AT_* states; 0 is UNKNOWN.
FAILED_STATES = range(6, 16)
# "Last error" texts meaning success: English [V]; others [U] common Windows renderings.
NO_ERROR = frozenset(
    {
        "no error",
        "kein fehler",
        "aucune erreur",
        "nessun errore",
        "sin errores",
        "ningún error",
        "エラーなし",
        "geen fout",
        "brak błędu",
        "nenhum erro",
    }
)
# Writer "Last error" texts → VSS_E_WRITERERROR_* HRESULTs (DOMAIN.md §4.1; only "Retryable error" is [V]).
LAST_ERROR_CODES = {
    "retryable error": 0x800423F3,
    "non-retryable error": 0x800423F4,
    "timed out": 0x800423F2,
    "inconsistent shadow copy": 0x800423F0,
    "out of resources": 0x800423F1,
}


class VssadminParser(Parser):
    kind = "vssadmin"
    line_based = False

    def parse_document(self, text: str, file: str) -> list[Event]:
        events: list[Event] = []
        item: list[str] = []
        start = 0
        previous_blank = True
        for number, line in enumerate(text.splitlines(), 1):
            line = line.rstrip("\r\n")
            blank = not line.strip()
            if blank or BANNER.match(line):
                previous_blank = blank or previous_blank
                continue
            wrapped_error = item and not previous_blank and ERROR_LINE.match(item[0])
            if not line[0].isspace() and not wrapped_error:
                if item:
                    events.append(self._item(item, start, file))
                item, start = [line], number
            elif item:
                item.append(line)
            previous_blank = False
        if item:
            events.append(self._item(item, start, file))
        return events

    def _item(self, lines: list[str], line_no: int, file: str) -> Event:
        head = lines[0].strip()
        raw = "\n".join(lines)
        if ERROR_LINE.match(head):
            # vssadmin wraps its error message over unindented lines.
            message = " ".join(x.strip() for x in lines)
            return Event(None, "error", message, file, line_no, raw, self.kind, [], {})
        fields: dict[str, Any] = {}
        quoted = QUOTED.search(head)
        name = quoted["name"] if quoted else head.rstrip(":").strip()
        fields["name"] = name
        state_index = next((i for i, x in enumerate(lines) if i and STATE.match(x)), None)
        for line in lines[1:]:
            m = KEY_VALUE.match(line)
            if m:
                fields.setdefault(m["key"].strip(), m["value"].strip())
        if state_index is None:
            return Event(None, "info", head, file, line_no, raw, self.kind, [], fields)
        return self._writer(lines, state_index, name, fields, line_no, file)

    def _writer(
        self, lines: list[str], state_index: int, name: str, fields: dict[str, Any], line_no: int, file: str
    ) -> Event:
        state = STATE.match(lines[state_index])
        assert state is not None  # found by the caller
        number = int(state["n"])
        fields["writer"] = name
        fields["state"] = number
        fields["state_text"] = state["text"].strip()
        guids = [g for line in lines[1:state_index] for g in GUID.findall(line)]
        if guids:
            fields["writer_id"] = guids[0]
        if len(guids) > 1:
            fields["writer_instance_id"] = guids[1]
        last_error = ""
        if state_index + 1 < len(lines):
            m = KEY_VALUE.match(lines[state_index + 1])
            last_error = m["value"].strip() if m else lines[state_index + 1].strip()
        fields["last_error"] = last_error
        failed = number in FAILED_STATES
        has_error = bool(last_error) and last_error.lower() not in NO_ERROR
        level = "error" if failed or has_error else "warning" if number == 0 else "info"
        codes = []
        if (code := LAST_ERROR_CODES.get(last_error.lower())) is not None:
            codes.append(ErrorCode(None, code, last_error))
        message = f"Writer '{name}': State: [{number}] {fields['state_text']}; Last error: {last_error}"
        return Event(None, level, message, file, line_no, "\n".join(lines), self.kind, codes, fields)
