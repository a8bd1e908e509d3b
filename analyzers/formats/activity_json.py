"""New-style JSON activity details of the Cyber Protect Cloud console (DOMAIN.md §2.4).

One object (or a list of them) with ``kbLink.serCode`` (the chain), ``context`` (``cause_str``,
``effect_str``, ``os_error_code``, ``_src``) and ``origin`` (a nested ``{code, fields, src, suberror,
text}`` chain whose texts explain each level). Broken or cut JSON still yields an event built from the
serCode and texts found in it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from acronis_triage.analyzers.errorcodes import find_codes, from_composite, parse_hex, parse_sercode
from acronis_triage.analyzers.formats.base import Parser, add_codes, level_from_word
from acronis_triage.analyzers.formats.timeparse import parse_time
from acronis_triage.analyzers.model import ErrorCode, Event

MARKERS = ('"kbLink"', '"serCode"', '"isRoot"', '"origin"', '"cause_str"', '"os_error_code"')
_STRING_FIELD = re.compile(
    r'"(?P<key>cause_str|effect_str|cause|effect|reason|text)"\s*:\s*"(?P<value>(?:[^"\\]|\\.)*)"'
)
_LIST_KEYS = ("items", "activities", "data", "results")
_SCALAR_FIELDS = ("code", "reason", "domain", "cause", "effect", "index", "isRoot", "parentActivityId", "type", "id")


def _as_dict(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    if isinstance(value, str) and value.strip().startswith("{"):
        try:
            parsed = json.loads(value)
        except ValueError:
            return {}
        return parsed if isinstance(parsed, dict) else {}
    return {}


def _code_value(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        v = value.strip()
        if v.lower().startswith("0x"):
            return parse_hex(v)
        if v.isdigit():
            return int(v)
    return None


def _origin_chain(node: dict[str, Any]) -> list[dict[str, Any]]:
    chain = []
    seen = 0
    while node and seen < 100:
        chain.append(node)
        node = _as_dict(node.get("suberror"))
        seen += 1
    return chain


def _objects(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, list):
        return [x for item in value for x in _objects(item)]
    if isinstance(value, dict):
        for key in _LIST_KEYS:
            if isinstance(value.get(key), list) and not any(k in value for k in ("kbLink", "context", "origin")):
                return _objects(value[key])
        return [value]
    return []


def _decode_all(text: str) -> tuple[list[Any], str]:
    """JSON values one after another (concatenated or one per line) and the undecodable rest, if any."""
    decoder = json.JSONDecoder()
    values: list[Any] = []
    index = 0
    while True:
        while index < len(text) and text[index] in " \t\r\n,":
            index += 1
        if index >= len(text):
            return values, ""
        try:
            value, index = decoder.raw_decode(text, index)
        except ValueError:
            return values, text[index:]
        values.append(value)


class ActivityJsonParser(Parser):
    kind = "activity_json"
    line_based = False

    def parse_document(self, text: str, file: str) -> list[Event]:
        try:
            values, rest = [json.loads(text)], ""
        except ValueError:
            values, rest = _decode_all(text)
        objects = [o for v in values for o in _objects(v)]
        single = len(objects) == 1 and not rest.strip()
        events = [self._event(o, text if single else json.dumps(o, ensure_ascii=False), file) for o in objects]
        if rest.strip():
            events.append(self._salvage(rest, file, line=text.count("\n", 0, len(text) - len(rest)) + 1))
        return events

    def _event(self, obj: dict[str, Any], raw: str, file: str) -> Event:
        kb = _as_dict(obj.get("kbLink"))
        context = _as_dict(obj.get("context"))
        origin = _as_dict(obj.get("origin")) or _as_dict(context.get("_src"))
        nodes = _origin_chain(origin)
        codes: list[ErrorCode] = parse_sercode(str(kb.get("serCode", ""))) if kb.get("serCode") else []
        texts: dict[int, str] = {}
        for node in nodes:
            value = _code_value(node.get("code"))
            text = node.get("text") if isinstance(node.get("text"), str) else ""
            if value is not None and text:
                texts.setdefault(value, text)
        if codes:
            codes = [ErrorCode(c.module, c.code, texts.get(c.composite, c.text)) for c in codes]
        else:
            for node in nodes:
                value = _code_value(node.get("code"))
                if value:
                    codes.append(from_composite(value, texts.get(value, "")))
        os_code = _code_value(context.get("os_error_code"))
        if os_code:
            add_codes(codes, [ErrorCode(None, os_code)])
        fields: dict[str, Any] = {k: obj[k] for k in _SCALAR_FIELDS if k in obj and not isinstance(obj[k], dict)}
        if kb:
            fields["kbLink"] = kb
            if "lineTag" in kb:
                fields["lineTag"] = kb["lineTag"]
        for key in ("cause_str", "effect_str", "os_error_code"):
            if key in context:
                fields[key] = context[key]
        for node in nodes:
            node_fields = _as_dict(node.get("fields"))
            if "$module" in node_fields:
                fields.setdefault("$module", node_fields["$module"])
        if nodes:
            src = _as_dict(nodes[-1].get("src"))
            if src:
                fields["src"] = src
        message = next(
            (
                v
                for v in (
                    context.get("cause_str"),
                    obj.get("cause"),
                    origin.get("text"),
                    context.get("effect_str"),
                    obj.get("effect"),
                    obj.get("reason"),
                    obj.get("code"),
                )
                if isinstance(v, str) and v
            ),
            "",
        )
        level = level_from_word(obj.get("severity") or obj.get("level") or obj.get("type")) or "error"
        time = parse_time(str(obj.get("startTime") or obj.get("time") or ""))
        return Event(time, level, message, file, 1, raw.strip(), self.kind, codes, fields)

    def _salvage(self, text: str, file: str, line: int = 1) -> Event:
        """Cut or invalid JSON: keep the codes and the first cause text that can be read."""
        fields: dict[str, Any] = {}
        for m in _STRING_FIELD.finditer(text):
            fields.setdefault(m["key"], m["value"])
        message = next((fields[k] for k in ("cause_str", "cause", "text", "effect_str", "reason") if k in fields), "")
        fields["parse_error"] = "not valid JSON; codes and texts were read from the raw text"
        return Event(None, "error", message, file, line, text.strip(), self.kind, find_codes(text), fields)
