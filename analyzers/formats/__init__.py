"""Log format parsers: detect a format from content and turn any Acronis log into `analyzers.model.Event`s.

The scan engine uses `get_parser(kind)`: line-based parsers say where events start and parse runs of
lines (`Parser.parse_block`); document parsers parse a whole text or a stream (`Parser.parse_document`,
`Parser.iter_document`). `parse_text` handles pasted text, `iter_events` a file or archive member.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator

from acronis_triage.analyzers.formats.base import Parser
from acronis_triage.analyzers.formats.detect import KINDS, detect_kind
from acronis_triage.analyzers.model import Event
from acronis_triage.analyzers.reader import Source, iter_utf8_chunks, read_head, source_name

__all__ = ("KINDS", "Parser", "detect_kind", "get_parser", "iter_events", "iter_line_events", "parse_text")

# kind -> (module, class): a parser's module is imported when its format is first met (the XML parser pulls in
# lxml, ~9 ms of every start otherwise, though most runs read no XML log).
_PARSER_CLASSES = {
    "mms": ("mms", "MmsParser"),
    "xml_activity": ("xml_activity", "XmlActivityParser"),
    "jsonl": ("jsonl", "JsonlParser"),
    "console_block": ("console_block", "ConsoleBlockParser"),
    "activity_json": ("activity_json", "ActivityJsonParser"),
    "installer": ("installer", "InstallerParser"),
    "windows_event": ("windows_event", "WindowsEventParser"),
    "vssadmin": ("vssadmin", "VssadminParser"),
    "text": ("text", "TextParser"),
    "paste": ("paste", "PasteParser"),  # not a detected format: mixed pasted text (`analyzers.scan.PASTE_KINDS`)
}
_PARSERS: dict[str, Parser] = {}


# Parsing, not reading, is the cost here; smaller chunks keep the split lines of one chunk small in memory.
_EVENT_CHUNK = 4 * 1024 * 1024


def get_parser(kind: str) -> Parser:
    parser = _PARSERS.get(kind)
    if parser is None:
        try:
            module, name = _PARSER_CLASSES[kind]
        except (KeyError, TypeError):
            raise ValueError(f"unknown log format {kind!r}; known formats: {', '.join((*KINDS, 'paste'))}") from None
        parser = _PARSERS[kind] = getattr(importlib.import_module(f"acronis_triage.analyzers.formats.{module}"), name)()
    return parser


def parse_text(text: str, file: str = "<text>", kind: str | None = None, exclude: Iterable[str] = ()) -> list[Event]:
    """Parse text of any format; pasted text holding console blocks and log lines gets each part parsed."""
    text = text.lstrip("\ufeff")
    parser = get_parser(kind or detect_kind(text, file, exclude))
    if parser.line_based:
        return parser.parse_block(text.splitlines(), 1, file)
    return parser.parse_document(text, file)


def iter_events(source: Source, kind: str | None = None, problems: list[str] | None = None) -> Iterator[Event]:
    """Every event of a file, archive member or bytes; line-based formats are streamed in bounded memory."""
    name = source_name(source)
    parser = get_parser(kind or detect_kind(read_head(source), name))
    chunks = iter_utf8_chunks(source, chunk_size=_EVENT_CHUNK, problems=problems)
    if parser.line_based:
        yield from iter_line_events(parser, chunks, name)
    else:
        yield from parser.iter_document(chunks, name)


def iter_line_events(parser: Parser, chunks: Iterable[bytes], file: str) -> Iterator[Event]:
    """Group streamed lines into whole events and parse them chunk by chunk."""
    pending: list[str] = []  # lines of the event still open at the end of the previous chunk
    pending_start = 1
    next_line = 1
    partial = ""  # a line longer than the reader's chunk limit, continued in the next chunk
    for chunk in chunks:
        text = chunk.decode("utf-8", errors="replace")
        lines = text.split("\n")
        lines[0] = partial + lines[0]
        partial = lines.pop()  # "" when the chunk ended with a newline
        last_start = next((i for i in range(len(lines) - 1, -1, -1) if parser.is_event_start(lines[i])), None)
        if last_start is None:
            # No event starts here: every line continues the open event (or precedes the first one).
            if not pending:
                pending_start = next_line
            pending.extend(lines)
        else:
            complete = pending + lines[:last_start]
            if complete:
                yield from _parse_in_batches(parser, complete, pending_start, file)
            pending = lines[last_start:]
            pending_start = next_line + last_start
        next_line += len(lines)
    if partial:
        if not pending:
            pending_start = next_line
        pending.append(partial)
    if pending:
        yield from _parse_in_batches(parser, pending, pending_start, file)


_BATCH_LINES = 4096


def _parse_in_batches(parser: Parser, lines: list[str], first_line: int, file: str) -> Iterator[Event]:
    """parse_block over runs of about `_BATCH_LINES` lines cut at event starts, so only a few thousand
    events exist at a time however big the chunk."""
    start = 0
    while start < len(lines):
        end = start + _BATCH_LINES
        while end < len(lines) and not parser.is_event_start(lines[end]):
            end += 1
        yield from parser.parse_block(lines[start:end], first_line + start, file)
        start = end
