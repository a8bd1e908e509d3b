"""JSON-lines logs: aakore, AMS/account server (one object per line with time/level/msg; DOMAIN.md §2.6)."""

from __future__ import annotations

import json
import re
from typing import Any

from acronis_triage.analyzers.errorcodes import find_codes
from acronis_triage.analyzers.formats.base import Parser, guess_level, level_from_word
from acronis_triage.analyzers.formats.timeparse import parse_time
from acronis_triage.analyzers.model import Event

TIME_KEYS = ("time", "ts", "timestamp", "@timestamp", "t", "date", "datetime")
LEVEL_KEYS = ("level", "lvl", "severity", "loglevel", "@level", "log.level")
MESSAGE_KEYS = ("msg", "message", "text", "@message", "@m")
# aakore CLI errors: "level=err; message=akk error: ..." (DOMAIN.md §2.6)
_KV_LINE = re.compile(r"^level=(?P<level>\w+);\s*message=(?P<msg>.*)$")
# Pieces of a cut or damaged JSON line, read one by one.
_JSON_STRING = re.compile(r'"(?P<key>[\w@.]+)"\s*:\s*"(?P<value>(?:[^"\\]|\\.)*)"')


def _first(obj: dict[str, Any], keys: tuple[str, ...]) -> tuple[str | None, Any]:
    for key in keys:
        if key in obj:
            return key, obj[key]
    return None, None


def _time(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return parse_time(str(value))
    return parse_time(value) if isinstance(value, str) else None


class JsonlParser(Parser):
    kind = "jsonl"
    line_based = True

    def is_event_start(self, line: str) -> bool:
        return bool(line.strip())

    def parse_block(self, lines: list[str], first_line: int, file: str) -> list[Event]:
        events = []
        for offset, line in enumerate(lines):
            text = line.strip()
            if text:
                events.append(self._event(text, first_line + offset, file))
        return events

    def _event(self, text: str, line_no: int, file: str) -> Event:
        obj = None
        if text.startswith("{"):
            try:
                obj = json.loads(text)
            except ValueError:
                obj = None
        if not isinstance(obj, dict):
            return self._plain(text, line_no, file)
        time_key, time_value = _first(obj, TIME_KEYS)
        level_key, level_value = _first(obj, LEVEL_KEYS)
        msg_key, msg_value = _first(obj, MESSAGE_KEYS)
        message = msg_value if isinstance(msg_value, str) else text if msg_value is None else json.dumps(msg_value)
        error = obj.get("error") or obj.get("err")
        if isinstance(error, str) and error and error not in message:
            message = f"{message}: {error}"
        level = level_from_word(level_value if isinstance(level_value, str) else None)
        if level is None:
            level = guess_level(message)
        fields = {k: v for k, v in obj.items() if k not in (time_key, level_key, msg_key)}
        return Event(_time(time_value), level, message, file, line_no, text, self.kind, find_codes(text), fields)

    def _plain(self, text: str, line_no: int, file: str) -> Event:
        m = _KV_LINE.match(text)
        if m:
            level = level_from_word(m["level"]) or guess_level(m["msg"])
            return Event(None, level, m["msg"], file, line_no, text, self.kind, find_codes(text), {})
        if text.startswith("{"):
            pairs: dict[str, str] = {}
            for pm in _JSON_STRING.finditer(text):
                pairs.setdefault(pm["key"], pm["value"])
            _, message = _first(pairs, MESSAGE_KEYS)
            if message is not None:
                _, level = _first(pairs, LEVEL_KEYS)
                _, time = _first(pairs, TIME_KEYS)
                fields = {"parse_error": "cut or invalid JSON line; fields read one by one"}
                return Event(
                    _time(time),
                    level_from_word(level) or guess_level(message),
                    message,
                    file,
                    line_no,
                    text,
                    self.kind,
                    find_codes(text),
                    fields,
                )
        return Event(None, guess_level(text), text, file, line_no, text, self.kind, find_codes(text), {})
