"""XML activity log (``<log><event .../></log>``, Acronis Backup, bootable media, console export; DOMAIN.md §2.5).

Parsed with lxml in recover mode from a stream of UTF-8 chunks: memory stays flat, events before a
truncation and past damage in the middle are kept (PERFORMANCE.md §C). Entities are never resolved,
no DTD or network access happens, so XXE and entity bombs do nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from lxml import etree

from analyzers.errorcodes import find_codes, parse_xml_code
from analyzers.formats.base import Parser, add_codes, level_from_word, parse_detail
from analyzers.formats.timeparse import parse_time
from analyzers.model import ErrorCode, Event

# Acronis event levels 0..5 (Backup & Recovery 10/11 manuals: Unknown, Debug, Information, Warning, Error, Critical).
NUMERIC_LEVELS = {"0": "info", "1": "debug", "2": "info", "3": "warning", "4": "error", "5": "critical"}
_KNOWN = frozenset({"id", "type", "level", "time", "message", "code", "module"})
_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*\?>")


def _parser() -> etree.XMLPullParser:
    return etree.XMLPullParser(
        events=("start", "end"),
        encoding="utf-8",
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        recover=True,
    )


def _local(tag: object) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2].lower()


class XmlActivityParser(Parser):
    kind = "xml_activity"
    line_based = False

    def parse_document(self, text: str, file: str) -> list[Event]:
        return list(self.iter_document([text.encode("utf-8", errors="replace")], file))

    def iter_document(self, chunks: Iterable[bytes], file: str) -> Iterator[Event]:
        parser = _parser()
        root_fields: dict[str, str] = {}
        first = True
        for chunk in chunks:
            if first:
                # The text is UTF-8 now whatever the declaration said; drop it so lxml does not switch codecs.
                chunk = _XML_DECL.sub(b"", chunk, count=1)
                first = False
            parser.feed(chunk)
            yield from self._drain(parser, root_fields, file)
        try:
            parser.close()
        except etree.XMLSyntaxError:
            pass  # recover mode: whatever was readable has already been reported
        yield from self._drain(parser, root_fields, file)

    def _drain(self, parser: etree.XMLPullParser, root_fields: dict[str, str], file: str) -> Iterator[Event]:
        for action, el in parser.read_events():
            tag = el.tag
            if tag != "event" and _local(tag) != "event":
                if action == "start" and _local(tag) == "log":
                    root_fields.update({k: v for k, v in el.items() if k in ("build", "version", "product")})
                continue
            if action == "start":
                continue
            yield self._event(el, root_fields, file)
            el.clear(keep_tail=True)
            parent = el.getparent()
            if parent is not None:
                while el.getprevious() is not None:
                    del parent[0]

    def _event(self, el: Any, root_fields: dict[str, str], file: str) -> Event:
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
            el.sourceline or 0,
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
