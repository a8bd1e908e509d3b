"""XML activity log (``<log><event .../></log>``, Acronis Backup, bootable media, console export; DOMAIN.md §2.5).

Streamed in bounded memory: the text is cut into blocks of whole events (at ``<event`` starts) and each block
is parsed with lxml in recover mode inside its file's own ``<log ...>`` start tag. Damage stays inside the
block it is in: when a block gives fewer events than it has ``<event`` starts (an unclosed comment or CDATA, a
stray ``</log>``, a DOCTYPE or junk in the middle), it is parsed again event by event, so one damaged event
never loses the ones after it. Two ``<log>`` documents appended to one file are two runs of blocks, each with
its own root attributes. Entities are never resolved, no DTD or network access happens, so XXE and entity
bombs do nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from lxml import etree

from acronis_triage.analyzers.errorcodes import find_codes, parse_xml_code
from acronis_triage.analyzers.formats.base import Parser, add_codes, level_from_word, parse_detail
from acronis_triage.analyzers.formats.timeparse import parse_time
from acronis_triage.analyzers.model import ErrorCode, Event

# Acronis event levels 0..5 (Backup & Recovery 10/11 manuals: Unknown, Debug, Information, Warning, Error, Critical).
NUMERIC_LEVELS = {"0": "info", "1": "debug", "2": "info", "3": "warning", "4": "error", "5": "critical"}
_KNOWN = frozenset({"id", "type", "level", "time", "message", "code", "module"})
_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*\?>")
_EVENT_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?event[\s/>]")
_ROOT_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?log(?:\s[^<>]*)?>")
_ROOT_FIELD = re.compile(rb"""\b(build|version|product)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')""")
_DEFAULT_ROOT = b"<log>"
_BLOCK_BYTES = 4 * 2**20
_MAX_CARRY = 16 * 2**20  # an "event" longer than this is parsed as it is rather than carried further


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        recover=True,
        remove_comments=True,
        remove_pis=True,
    )


def _local(tag: object) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2].rpartition(":")[2].lower()


class XmlActivityParser(Parser):
    kind = "xml_activity"
    line_based = False
    streams = True  # iter_document reads in bounded memory

    def parse_document(self, text: str, file: str) -> list[Event]:
        data = text.encode("utf-8", errors="replace")
        return list(self.iter_document((data[i:i + _BLOCK_BYTES] for i in range(0, len(data), _BLOCK_BYTES)), file))

    def iter_document(self, chunks: Iterable[bytes], file: str) -> Iterator[Event]:
        state = _State()
        carry = b""
        first = True
        for chunk in chunks:
            if first:
                # The text is UTF-8 now whatever the declaration said; drop it so lxml does not switch codecs.
                chunk = _XML_DECL.sub(b"", bytes(chunk), count=1)
                first = False
            buf = carry + chunk if carry else bytes(chunk)
            cut = _last_event_start(buf)
            if cut <= 0 and len(buf) < _MAX_CARRY:
                carry = buf
                continue
            if cut <= 0:
                cut = len(buf)
            yield from self._block(buf[:cut], state, file)
            carry = buf[cut:]
        if carry:
            yield from self._block(carry, state, file)

    def _block(self, block: bytes, state: _State, file: str) -> Iterator[Event]:
        """Events of a run of whole events, each `<log ...>` start inside it switching the root."""
        pos = 0
        for m in _ROOT_START.finditer(block):
            yield from self._piece(block[pos:m.start()], state, file)
            state.line += block.count(b"\n", pos, m.end())
            state.root = m.group(0)
            state.fields = {k.decode(): (a or b).decode("utf-8", "replace")
                            for k, a, b in _ROOT_FIELD.findall(m.group(0))}
            pos = m.end()
        yield from self._piece(block[pos:], state, file)
        state.line += block.count(b"\n", pos)

    def _piece(self, piece: bytes, state: _State, file: str) -> Iterator[Event]:
        starts = [m.start() for m in _EVENT_START.finditer(piece)]
        if not starts:
            return
        events = self._parse(piece, state, file, state.line)
        if len(events) >= len(starts):
            yield from events
            return
        # Damage somewhere in the piece swallowed events: parse each event alone
        line = state.line + piece.count(b"\n", 0, starts[0])
        for i, start in enumerate(starts):
            end = starts[i + 1] if i + 1 < len(starts) else len(piece)
            yield from self._parse(piece[start:end], state, file, line)
            line += piece.count(b"\n", start, end)

    def _parse(self, piece: bytes, state: _State, file: str, first_line: int) -> list[Event]:
        data = state.root + piece + b"</log>"
        try:
            root = etree.fromstring(data, _parser())
        except etree.XMLSyntaxError:
            return []
        if root is None:
            return []
        shift = first_line - 1 - state.root.count(b"\n")
        out = []
        for el in root.iter():
            if el.tag == "event" or _local(el.tag) == "event":
                out.append(self._event(el, state.fields, file, shift))
        return out

    def _event(self, el: Any, root_fields: dict[str, str], file: str, shift: int = 0) -> Event:
        attrs = dict(el.items())
        message = attrs.get("message")
        if message is None:
            message = (el.findtext("message") or el.text or "").strip()
        head, *details = message.split("||") if "||" in message else (message,)
        code = _code(attrs.get("code", ""), attrs.get("module"))
        codes: list[ErrorCode] = [code] if code is not None else []
        if "0x" in head:
            add_codes(codes, find_codes(head))
        fields: dict[str, Any] = {k: v for k, v in attrs.items() if k not in _KNOWN}
        if "id" in attrs:
            fields["id"] = attrs["id"]
        if "module" in attrs:
            fields["module"] = attrs["module"]
        if root_fields:
            fields.update(root_fields)
        if details:
            parse_detail((d.removeprefix("|") for d in details), codes, fields)
        raw = etree.tostring(el, encoding="unicode", with_tail=False) if len(message) < 1_000_000 else message
        return Event(
            parse_time(attrs.get("time", "")),
            _level(attrs.get("type"), attrs.get("level")),
            head.strip(),
            file,
            (el.sourceline or 0) + shift if el.sourceline else 0,
            raw.strip(),
            self.kind,
            codes,
            fields,
        )


@lru_cache(maxsize=4096)
def _code(code: str, module: str | None) -> ErrorCode | None:
    return parse_xml_code(code, module)


@lru_cache(maxsize=256)
def _level(type_: str | None, level: str | None) -> str:
    return (
        level_from_word(type_) or NUMERIC_LEVELS.get((level or type_ or "").strip()) or level_from_word(level) or "info"
    )


class _State:
    """The root start tag (with its namespace declarations) and attributes in force, and the line count."""

    def __init__(self) -> None:
        self.root = _DEFAULT_ROOT
        self.fields: dict[str, str] = {}
        self.line = 1


def _last_event_start(buf: bytes) -> int:
    """Offset of the last ``<event`` start in `buf` (-1 if none): everything before it is whole events."""
    pos = len(buf)
    while True:
        pos = buf.rfind(b"event", 0, pos)
        if pos < 0:
            return -1
        lt = buf.rfind(b"<", max(0, pos - 64), pos)
        if lt >= 0:
            m = _EVENT_START.match(buf, lt)
            if m is not None:
                return lt
