"""The one-pass scan engine: every file is read once, for every signature at the same time.

Line-based logs (MMS, JSON lines, installer, plain text) stream through in UTF-8 chunks. A multi-pattern
database (hyperscan, or Python `re` when hyperscan is missing) finds the byte offsets of every signature
anchor and every error/warning head. Only the events around those offsets are cut out (back to the line
that starts the event, forward to the next start, so ``|`` detail blocks stay with their head), parsed, and
confirmed against the full rule of each candidate signature. Line numbers are counted lazily, up to the
events that need one. An event cut by a chunk boundary is carried into the next chunk.

Document formats (XML activity logs, console blocks, activity JSON, vssadmin, Windows events) are parsed
whole, and each event is prefiltered with the same database before its rules are confirmed.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import threading
from array import array
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, TYPE_CHECKING, Protocol

from acronis_triage.analyzers.errorish import promote
from acronis_triage.analyzers.model import ErrorCode, Event, Evidence, LogSource
from acronis_triage.analyzers.reader import CHUNK_SIZE, Source, iter_utf8_chunks, source_name
from acronis_triage.analyzers.signatures.database import PatternDatabase
from acronis_triage.analyzers.signatures.matching import CompiledRule
from acronis_triage.analyzers.signatures.schema import SignatureSet
from acronis_triage.analyzers.timewindow import current_window
from acronis_triage.analyzers.unmatched import UnmatchedCollector

if TYPE_CHECKING:  # the formats are imported when a scan first needs one, not when this module loads
    from acronis_triage.analyzers.formats.base import FormatParser
from acronis_triage.collectors.textdecode import sniff_encoding

_GZIP_MAGIC = b"\x1f\x8b"
Buf = bytes | bytearray
Chunk = tuple[Buf, int]  # only buf[:n] is the chunk (`utf8_chunks`)

# 4 MiB chunks scanned ~5 % faster than 16 MiB on the benchmark corpus (they stay in the CPU caches between the
# hyperscan pass and the event extraction); memory stays bounded either way.
SCAN_CHUNK_SIZE = 4 * 2**20
MAX_EVIDENCE = 3
MAX_EVENT_BYTES = 1024 * 1024  # one event's text kept for parsing; a runaway detail block is cut here
MAX_WALK_LINES = 2000  # how far back/forward to look for the line that starts an event
# A document format that is parsed whole holds ~9 bytes of objects per byte of text (activity JSON, measured):
# 32 MiB keeps a run under 500 MB. XML activity logs and Windows event text stream and have no such cap.
DOCUMENT_MAX_BYTES = 32 * 1024 * 1024
HEAD_BYTES = 64 * 1024
ERROR_LEVELS = frozenset(("warning", "error", "critical"))
_START_PROBE = 256  # is_event_start only needs the head of a line

# Bytes forms of a parser's event-start test, checked on the buffer without decoding (a match implies the parser's
# own test on the decoded line succeeds; a miss on an ASCII line implies it fails, so only non-ASCII misses are
# decoded and asked again). MMS: `analyzers.formats.mms.HEAD` up to the event code.
_START_BYTES = {
    "mms": re.compile(
        rb"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d[:.,]\d{1,6}(?:Z|[+-]\d\d:?\d\d)? \d+ [A-Z][0-9A-Fa-f]{8}:(?: |$)"
        rb"|(?i:(?:error|event|warning)\s+0x[0-9a-f]{1,8}\s*:)"),  # `mms.BARE_HEAD`
}


# Free text and console blocks are read as a paste (every line examined, flattened blocks restored, anything that
# looks like an error reported) when they are small enough to parse whole: stdin, the window's paste box, a text
# file someone saved a pasted error in.
PASTE_KINDS = frozenset(("text", "console_block"))
PASTE_MAX_BYTES = 4 * 2**20
PASTED_NAMES = frozenset(("<stdin>", "<paste>"))


def _pasted(source: Source) -> bool:
    if isinstance(source, LogSource):
        if source.name in PASTED_NAMES:
            return True
        return source.size is not None and source.size <= PASTE_MAX_BYTES
    if isinstance(source, bytes):
        return len(source) <= PASTE_MAX_BYTES
    try:
        return os.path.getsize(source) <= PASTE_MAX_BYTES
    except (OSError, TypeError, ValueError):
        return False


class Cancelled(Exception):
    """The caller's cancel token fired; partial results are discarded."""


class CancelCheck(Protocol):
    """What the analysis asks of a cancel token: only whether it fired (``collectors.cancel.CancelToken`` is one;
    the analyzers do not import collectors)."""

    def is_cancelled(self) -> bool: ...


@dataclass
class SignatureHits:
    """Everything one signature matched in one file (or, merged, in all files)."""

    count: int = 0
    times: array = field(default_factory=lambda: array("d"))
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    evidence: list[Evidence] = field(default_factory=list)
    chain: list[ErrorCode] = field(default_factory=list)

    def add(self, event: Event, rule: CompiledRule) -> None:
        self.count += 1
        t = event.time
        if t is not None:
            try:
                self.times.append(t.timestamp())
            except (OverflowError, OSError, ValueError):
                t = None
        if t is not None:
            if self.first_seen is None or t < self.first_seen:
                self.first_seen = t
            if self.last_seen is None or t > self.last_seen:
                self.last_seen = t
        if len(self.evidence) < MAX_EVIDENCE:
            line, text = rule.evidence_line(event)
            self.evidence.append(Evidence(event.file, line, text.strip()[:500]))
        if not self.chain and event.codes:
            self.chain = list(event.codes)

    def merge(self, other: SignatureHits) -> None:
        self.count += other.count
        self.times.extend(other.times)
        for t in (other.first_seen, other.last_seen):
            if t is None:
                continue
            if self.first_seen is None or t < self.first_seen:
                self.first_seen = t
            if self.last_seen is None or t > self.last_seen:
                self.last_seen = t
        room = MAX_EVIDENCE - len(self.evidence)
        if room > 0:
            self.evidence.extend(other.evidence[:room])
        if not self.chain:
            self.chain = other.chain


@dataclass
class FileScan:
    """What one source gave: hits per signature id, unmatched error templates, sizes, problems."""

    name: str
    kind: str = "text"
    bytes: int = 0
    events: int = 0
    hits: dict[str, SignatureHits] = field(default_factory=dict)
    unmatched: UnmatchedCollector = field(default_factory=UnmatchedCollector)
    held: dict[str, UnmatchedCollector] = field(default_factory=dict)  # errors claimed by a min_count signature
    problems: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)  # parts not analyzed (a cut gzip bomb, a damaged stream), why
    lines: int = 0  # newlines read (line-based formats): where the next part of a split file starts counting
    parse_errors: list[tuple[int, str]] = field(default_factory=list)  # (line, why): `finish` words them
    outside_window: int = 0  # parsed events dated outside the collection's time window (analyzers.timewindow)


@dataclass(frozen=True)
class Segment:
    """Bytes [start, stop) of a file (to its end when stop is None), scanned as the given kind."""

    start: int
    stop: int | None
    kind: str


class _Lines:
    """Line numbers inside one chunk, counted only as far as the events that need them."""

    __slots__ = ("buf", "line", "pos")

    def __init__(self, buf: Buf, first_line: int) -> None:
        self.buf = buf
        self.pos = 0
        self.line = first_line

    def at(self, offset: int) -> int:
        if offset >= self.pos:
            self.line += self.buf.count(b"\n", self.pos, offset)
        else:
            self.line -= self.buf.count(b"\n", offset, self.pos)
        self.pos = offset
        return self.line


class Scanner:
    """The compiled signature set. Build once, scan many sources; safe to share between threads."""

    def __init__(self, signatures: SignatureSet, *, use_hyperscan: bool | None = None,
                 chunk_size: int = SCAN_CHUNK_SIZE) -> None:
        self.signatures = list(signatures.signatures)
        self.rules = [CompiledRule(s) for s in self.signatures]
        self.db = PatternDatabase.build(self.signatures, use_hyperscan=use_hyperscan)
        self.signature_pids = frozenset(pid for pid, sigs in enumerate(self.db.signatures_of) if sigs)
        self.error_pids = frozenset(pid for pid, level in self.db.errorish_level.items() if level == "error")
        self.chunk_size = chunk_size

    # -- entry point -------------------------------------------------------------------------------------------

    def scan(self, source: Source, *, cancel: CancelCheck | None = None, on_bytes: Callable[[int], None] | None = None,
             kind: str | None = None, segment: Segment | None = None) -> FileScan:
        """Scan one source. Raises OSError when it cannot be opened, `Cancelled` when `cancel` fires.

        With `segment` (from `segments`), only that part of the file is read, its line numbers counted from 1,
        and the result is left unfinished: `merge_segments` puts the parts together, then `finish`."""
        from acronis_triage.analyzers import formats

        result = FileScan(name=source_name(source))
        if segment is not None:
            kind = segment.kind
            chunks = utf8_chunks(source, self.chunk_size, validate=self.db.needs_valid_utf8, problems=result.lost,
                                 start=segment.start, stop=segment.stop)
        else:
            chunks = utf8_chunks(source, self.chunk_size, validate=self.db.needs_valid_utf8, problems=result.lost)
        first = next(chunks, None)
        if kind is None:
            kind = _kind_of(source, first)
        result.kind = kind
        parser = formats.get_parser(kind)
        stream = _counting(_chain_first(first, chunks), result, cancel, on_bytes)
        if parser.line_based:
            self._scan_lines(stream, parser, result)
        else:
            self._scan_document(stream, parser, result)
        if segment is None:
            finish(result)
        return result

    def segments(self, source: Source, wanted: list[int]) -> list[Segment]:
        """Parts of a big line-based log to scan on their own, cut near the `wanted` offsets: each part begins on
        a line that starts an event (so an event and its ``|`` detail block stay in one part). Several parts only
        for a plain UTF-8 source read at any offset (a file, a spooled archive member, bytes); one part otherwise
        (gzip, other encodings, a compressed zip member, document formats)."""
        from acronis_triage.analyzers import formats

        chunks = utf8_chunks(source, self.chunk_size, validate=self.db.needs_valid_utf8)
        try:
            first = next(chunks, None)
        finally:
            chunks.close()
        kind = _kind_of(source, first)
        whole = [Segment(0, None, kind)]
        parser = formats.get_parser(kind)
        if not parser.line_based or not wanted:
            return whole
        with _open(source) as stream:
            if not _random_access(stream):
                return whole
            head = stream.read(4096)
            if head.startswith(_GZIP_MAGIC) or sniff_encoding(head) not in ("utf-8", "utf-8-sig"):
                return whole
            size = stream.seek(0, io.SEEK_END)
            starts = _start_test(kind, parser)
            cuts = [0]
            for at in wanted:
                if at <= cuts[-1] or at >= size:
                    continue
                cut = _event_start_after(stream, at, size, starts)
                if cut is not None and cuts[-1] < cut < size:
                    cuts.append(cut)
        return [Segment(a, b, kind) for a, b in zip(cuts, [*cuts[1:], None], strict=True)]

    # -- document formats --------------------------------------------------------------------------------------

    def _scan_document(self, chunks: Iterable[Chunk], parser: FormatParser, result: FileScan) -> None:
        if parser.streams:  # parsed in bounded memory, whatever the size
            self._confirm_events(parser.iter_document((bytes(buf[:n]) for buf, n in chunks), result.name), result)
            return
        parts, size = [], 0
        for buf, n in chunks:
            if size + n > DOCUMENT_MAX_BYTES:
                result.lost.append(
                    f"only the first {DOCUMENT_MAX_BYTES // 2**20} MiB of this {result.kind} document were "
                    "analyzed (a document is parsed whole, in memory)")
                break
            parts.append(bytes(buf[:n]))
            size += n
        text = b"".join(parts).decode("utf-8", errors="replace")
        del parts
        self._confirm_events(parser.parse_document(text, result.name), result)

    def _confirm_events(self, events: Iterable[Event], result: FileScan) -> None:
        scan = self.db.scanner()
        window = current_window()
        for event in events:
            result.events += 1
            if window is not None and event.time is not None and not window.contains(event.time):
                result.outside_window += 1
                continue
            probe = event.raw or event.message
            if event.codes:
                probe += "\n" + " ".join(c.hex for c in event.codes)
            candidates = self._candidates(pid for _, pid in scan(probe.encode("utf-8", errors="replace")))
            self._confirm(event, candidates, result)

    # -- line-based formats -------------------------------------------------------------------------------------

    def _scan_lines(self, chunks: Iterable[Chunk], parser: FormatParser, result: FileScan) -> None:
        scan = self.db.scanner()
        is_start = parser.is_event_start

        n = 0
        fast_start = _START_BYTES.get(result.kind)

        def starts(buf: Buf, pos: int) -> bool:
            end = buf.find(b"\n", pos, min(pos + _START_PROBE, n))
            if end < 0:
                end = min(pos + _START_PROBE, n)
            if fast_start is not None:
                if fast_start.match(buf, pos, end) is not None:
                    return True
                probe = buf[pos:end]
                return not probe.isascii() and is_start(probe.decode("utf-8", errors="replace"))
            return is_start(buf[pos:end].decode("utf-8", errors="replace"))

        lines_before = 0
        tail: Buf = b""
        tail_ids: set[int] = set()
        tail_line = 1
        fast = result.kind in _RAW_TEMPLATE_KINDS
        signature_pids = self.signature_pids
        # MMS warning/error heads (thousands per file) are templated here, without a call per event to _template
        mms_heads = result.kind == "mms"
        error_pids = self.error_pids
        add_head = result.unmatched.add_mms_head
        match_start = fast_start.match if fast_start is not None else None
        name = result.name
        templated = 0
        for chunk, n in chunks:
            hits = scan(memoryview(chunk)[:n])
            lines = _Lines(chunk, lines_before + 1)
            p0 = _first_start(chunk, starts, n)
            i = 0
            while i < len(hits) and hits[i][0] - 1 < p0:
                tail_ids.add(hits[i][1])
                i += 1
            if p0 >= n:  # no event starts here: the whole chunk continues the carried event
                if len(tail) < MAX_EVENT_BYTES:
                    tail = (tail + chunk[:n])[:MAX_EVENT_BYTES]
                lines_before = lines.at(n) - 1
                continue
            if tail_ids:
                self._whole_event(tail + chunk[:p0], tail_ids, tail_line, fast, parser, result)
            # Hits are grouped by the start of their event. An event's end (the next start line) is looked for
            # only when its text is needed: most hits are error heads, templated from their first line.
            cur_start = cur_head_end = line_end = -1
            ids: set[int] = set()
            for to, pid in hits[i:]:
                pos = to - 1 if to else 0
                if pos < line_end:  # same line as the previous hit
                    ids.add(pid)
                    continue
                ls = chunk.rfind(b"\n", 0, pos) + 1
                line_end = chunk.find(b"\n", pos, n)
                if line_end < 0:
                    line_end = n
                if (match_start is not None and match_start(
                        chunk, ls, line_end if line_end - ls < _START_PROBE else ls + _START_PROBE) is not None) \
                        or starts(chunk, ls):
                    start = ls
                else:
                    start = _walk_back(chunk, ls, p0, starts)
                    if start == cur_start:
                        ids.add(pid)
                        continue
                if cur_start >= 0:
                    if mms_heads and cur_head_end >= 0 and ids.isdisjoint(signature_pids):
                        templated += 1
                        add_head(chunk[cur_start:cur_head_end if cur_head_end - cur_start <= MAX_EVENT_BYTES
                                       else cur_start + MAX_EVENT_BYTES],
                                 "warning" if ids.isdisjoint(error_pids) else "error", name, lines.at, cur_start)
                    elif fast and ids.isdisjoint(signature_pids):
                        self._template(chunk, n, cur_start, cur_head_end, ids, lines.at, result)
                    else:
                        end = _walk_forward(chunk, cur_start, starts, n)
                        self._event(chunk[cur_start:end], ids, lines.at(cur_start), parser, result)
                cur_start, ids = start, {pid}
                cur_head_end = line_end if start == ls else -1
            cur_end = _walk_forward(chunk, cur_start, starts, n) if cur_start >= 0 else -1
            if cur_end >= n:
                tail, tail_ids, tail_line = chunk[cur_start:n], ids, lines.at(cur_start)
            else:
                if cur_start >= 0:
                    if fast and ids.isdisjoint(signature_pids):  # as the events before it
                        self._template(chunk, n, cur_start, cur_head_end, ids, lines.at, result)
                    else:
                        self._event(chunk[cur_start:cur_end], ids, lines.at(cur_start), parser, result)
                last = chunk.rfind(b"\n", 0, n - 1) + 1 if n else 0
                start = _walk_back(chunk, max(last, p0), p0, starts)
                tail, tail_ids, tail_line = chunk[start:n], set(), lines.at(start)
            lines_before = lines.at(n) - 1
        if tail_ids:
            self._whole_event(tail, tail_ids, tail_line, fast, parser, result)
        result.events += templated
        result.lines = lines_before

    def _whole_event(self, raw: Buf, ids: set[int], line: int, fast: bool, parser: FormatParser,
                     result: FileScan) -> None:
        """An event carried across a chunk boundary, now whole: handled as it would be inside one chunk (so the
        result does not depend on where chunks, or the parts of a split file, begin)."""
        if fast and ids.isdisjoint(self.signature_pids):
            self._template(raw, len(raw), 0, -1, ids, lambda _: line, result)
        else:
            self._event(raw, ids, line, parser, result)

    def _template(self, chunk: bytes | bytearray, n: int, start: int, head_end: int, ids: set[int],
                  line_at: Callable[[int], int], result: FileScan) -> None:
        """An event that only an error/warning head pattern hit: no signature can claim it, so it is templated
        from its first line without parsing (and its line number is counted only if its template is new)."""
        result.events += 1
        if head_end < 0:
            head_end = chunk.find(b"\n", start, n)
            if head_end < 0:
                head_end = n
        level = "warning" if ids.isdisjoint(self.error_pids) else "error"
        raw = chunk[start:min(head_end, start + MAX_EVENT_BYTES)]
        if result.kind == "mms":
            result.unmatched.add_mms_head(raw, level, result.name, line_at, start)
            return
        head = bytes(raw).decode("utf-8", errors="replace").rstrip("\r")
        result.unmatched.add(head, level, result.kind, result.name, lambda: line_at(start))

    def _event(self, raw: Buf, ids: set[int], line: int, parser: FormatParser, result: FileScan) -> None:
        result.events += 1
        raw = raw[:MAX_EVENT_BYTES]
        candidates = self._candidates(ids)
        text = raw.decode("utf-8", errors="replace")
        try:
            events = parser.parse_block(text.splitlines(), line, result.name)
        except Exception as exc:  # noqa: BLE001 - one unparseable event must not stop the file
            result.parse_errors.append((line, str(exc)))
            return
        window = current_window()
        for event in events:
            if window is not None and event.time is not None and not window.contains(event.time):
                result.outside_window += 1
                continue
            self._confirm(event, candidates, result)
        result.events += max(len(events) - 1, 0)

    def _candidates(self, ids: Iterable[int]) -> set[int]:
        out: set[int] = set()
        sigs_of = self.db.signatures_of
        for pid in ids:
            out.update(sigs_of[pid])
        return out

    def _confirm(self, event: Event, candidates: Iterable[int], result: FileScan) -> None:
        claimed: list[str] = []
        for_sure = False  # claimed by a signature that fires on a single event
        for idx in sorted(candidates):
            rule = self.rules[idx]
            if rule.matches(event):
                sig = rule.signature
                claimed.append(sig.id)
                for_sure = for_sure or sig.rule.min_count <= 1
                hits = result.hits.get(sig.id)
                if hits is None:
                    hits = result.hits[sig.id] = SignatureHits()
                hits.add(event, rule)
        if for_sure:
            return
        if event.level not in ERROR_LEVELS and promote(event).level not in ERROR_LEVELS:
            return
        text = (event.raw or event.message) if event.kind in _RAW_TEMPLATE_KINDS else event.message
        head = text.split("\n", 1)[0].rstrip("\r")
        # An event claimed only by min_count signatures is held until we know whether one of them fires.
        collector = result.held.setdefault(claimed[0], UnmatchedCollector()) if claimed else result.unmatched
        context = event.raw if event.kind not in _RAW_TEMPLATE_KINDS or "\n" in event.raw else ""
        collector.add(head, event.level, event.kind, event.file, event.line, event.time, context)


# Kinds whose first raw line is the message with a time/level head: templated from the raw line, without parsing.
# Others (JSON lines, XML, console blocks ...) are parsed and templated from the event's message.
_RAW_TEMPLATE_KINDS = frozenset(("mms", "installer", "text"))


def _kind_of(source: Source, first: Chunk | None) -> str:
    """The format of a source from its first chunk (a paste when free text is small enough to read whole)."""
    from acronis_triage.analyzers import formats

    head = bytes(first[0][:min(first[1], HEAD_BYTES)]) if first else b""
    kind = formats.detect_kind(head.decode("utf-8", errors="replace"), source_name(source))
    if kind in PASTE_KINDS and _pasted(source):
        kind = "paste"
    return kind


def _time_of(name: str) -> Callable[[str, str], datetime | None]:
    """The time of one line of a line-based format (None for other formats): first/last seen of templates."""
    from acronis_triage.analyzers import formats
    from acronis_triage.analyzers.formats.mms import line_time as mms_line_time

    def time_of(kind: str, text: str) -> datetime | None:
        try:
            if kind == "mms":
                return mms_line_time(text)  # what parse_block gives, without reading the codes
            parser = formats.get_parser(kind)
            if not parser.line_based:
                return None
            events = parser.parse_block([text], 1, name)
        except Exception:  # noqa: BLE001 - a parser bug must not lose the template
            return None
        return events[0].time if events else None

    return time_of


def finish(result: FileScan) -> FileScan:
    """Complete a scan (one whole file, or the merged parts of a split one): template times, problems worded."""
    time_of = _time_of(result.name)
    for collector in (result.unmatched, *result.held.values()):
        collector.resolve_times(time_of)
    result.problems.extend(f"{result.name}:{line}: could not parse this event: {why}"
                           for line, why in result.parse_errors)
    result.parse_errors = []
    return result


def merge_segments(parts: list[FileScan]) -> FileScan:
    """The scans of a file's segments, in file order, as one unfinished scan of the whole file: what a single
    scan from the start would have given. Each part counted its lines from 1; they are moved down by the lines
    of the parts before it. Evidence is kept in file order (the first `MAX_EVIDENCE`), templates keep their
    first example, and the template caps decide as they would have in one pass (`UnmatchedCollector.extend`)."""
    out = parts[0]
    offset = out.lines
    for part in parts[1:]:
        out.bytes += part.bytes
        out.events += part.events
        out.outside_window += part.outside_window
        out.problems.extend(part.problems)
        out.lost.extend(part.lost)
        out.parse_errors.extend((line + offset, why) for line, why in part.parse_errors)
        for sig_id, hits in part.hits.items():
            for evidence in hits.evidence:
                evidence.line += offset
            if sig_id in out.hits:
                out.hits[sig_id].merge(hits)
            else:
                out.hits[sig_id] = hits
        out.unmatched.extend(part.unmatched, offset)
        for sig_id, collector in part.held.items():
            out.held.setdefault(sig_id, UnmatchedCollector()).extend(collector, offset)
        offset += part.lines
    out.lines = offset
    return out


def _random_access(stream: IO[bytes]) -> bool:
    """A stream that seeks without reading what it skips: a file, a window of a spooled archive, bytes."""
    from acronis_triage.collectors.positional_file import PositionalFile

    raw = getattr(stream, "raw", stream)
    return isinstance(raw, (io.FileIO, PositionalFile, io.BytesIO))


def _start_test(kind: str, parser: FormatParser) -> Callable[[bytes], bool]:
    """`parser.is_event_start` on the head of one line in bytes (the scan's own test, on a line at a time)."""
    fast_start = _START_BYTES.get(kind)
    is_start = parser.is_event_start

    def starts(line: bytes) -> bool:
        if fast_start is not None:
            if fast_start.match(line) is not None:
                return True
            return not line.isascii() and is_start(line.decode("utf-8", errors="replace"))
        return bool(is_start(line.decode("utf-8", errors="replace")))

    return starts


_CUT_WINDOWS = (2**16, 2**20)  # a head is found in the first 64 KiB but after a runaway detail block


def _event_start_after(stream: IO[bytes], at: int, size: int, starts: Callable[[bytes], bool]) -> int | None:
    """The offset of the first line after `at` that starts an event, looked for in the next MiB and the next
    `MAX_WALK_LINES` lines (None: no cut here)."""
    for span in _CUT_WINDOWS:
        stream.seek(at)
        cut = _event_start_in(stream.read(min(span, size - at)), starts)
        if cut is not None:
            return at + cut
        if span >= size - at:
            break
    return None


def _event_start_in(window: bytes, starts: Callable[[bytes], bool]) -> int | None:
    pos = window.find(b"\n") + 1
    if pos == 0:
        return None
    for _ in range(MAX_WALK_LINES):
        if pos >= len(window):
            return None
        end = window.find(b"\n", pos, pos + _START_PROBE)
        if end < 0:
            end = pos + _START_PROBE
            if end > len(window):  # the line's head is cut by the window: not judged on a part of it
                return None
        if starts(window[pos:end]):
            return pos
        nl = window.find(b"\n", pos)
        if nl < 0:
            return None
        pos = nl + 1
    return None


def utf8_chunks(source: Source, chunk_size: int = CHUNK_SIZE, validate: bool = True,
                problems: list[str] | None = None, start: int = 0,
                stop: int | None = None) -> Generator[Chunk, None, None]:
    """Line-bounded UTF-8 chunks as ``(buffer, length)``: only ``buffer[:length]`` is the chunk, and the buffer
    is reused for the next one (copy what must outlive the iteration).

    Plain UTF-8 files (most logs) take a fast path: ``readinto`` one reused buffer (no allocation, no page
    faults, no copy but the carried partial line), undecoded unless `validate` (hyperscan's UTF-8 mode needs
    valid input; ``errors="replace"`` decoding of events gives the same text). gzip, UTF-16 and cp1252 go
    through `analyzers.reader` (where a gzip bomb is cut and a damaged stream ends: both noted in `problems`).

    `start`/`stop` read only bytes [start, stop) of a plain UTF-8 file that `Scanner.segments` cut at line
    starts: no encoding is sniffed there, the file's head already was.
    """
    stream = _open(source)
    try:
        left = None if stop is None else stop - start
        if start:
            stream.seek(start)
            head = b""
        elif left is not None:  # the first part of a split file: plain UTF-8, maybe with a BOM
            head = stream.read(min(4096, left))
            left -= len(head)
            if head.startswith(codecs.BOM_UTF8):
                head = head[len(codecs.BOM_UTF8):]
        else:
            head = stream.read(4096)
            encoding = sniff_encoding(head)
            if head.startswith(_GZIP_MAGIC) or encoding not in ("utf-8", "utf-8-sig"):
                stream.close()
                for chunk in iter_utf8_chunks(source, chunk_size=chunk_size, problems=problems):
                    yield chunk, len(chunk)
                return
            if encoding == "utf-8-sig":
                head = head[len(codecs.BOM_UTF8):]
        size = _size_of(source, stream)
        if left is not None:
            size = left + len(head) if size is None else min(size, left + len(head))
        buf = _buffer(2 * chunk_size + 4096, size)
        buf[:len(head)] = head
        have = len(head)
        view = memoryview(buf)
        readinto = getattr(stream, "readinto", None)
        while True:
            room = min(chunk_size, len(buf) - have)
            if left is not None:
                room = min(room, left)
            if readinto is not None:
                got = (readinto(view[have:have + room]) or 0) if room else 0
            else:
                data = stream.read(room) if room else b""
                got = len(data)
                buf[have:have + got] = data
            if left is not None:
                left -= got
            end = have + got
            if not got:
                if end:
                    yield _checked(buf, end, validate)
                return
            cut = buf.rfind(b"\n", 0, end) + 1
            if cut == 0:
                if end < len(buf):
                    have = end
                    continue
                cut = _char_cut(buf, end)  # a line longer than the buffer: cut it on a character boundary
            yield _checked(buf, cut, validate)
            rest = end - cut
            buf[:rest] = view[cut:end]
            have = rest
    finally:
        stream.close()


_buffers = threading.local()


def release_read_buffer() -> None:
    """Drop this thread's read buffer (before a fork: see `analyze._scan_parallel`)."""
    _buffers.buf = None


def _buffer(size: int, source_size: int | None) -> bytearray:
    """One read buffer per thread, reused from file to file: a fresh 32 MiB bytearray costs its zero-fill and
    page faults every time (about 10 ms). A small source gets a small buffer if none is allocated yet.
    (So one thread iterates one `utf8_chunks` at a time, which is how the engine uses it.)"""
    if source_size is not None:
        size = min(size, 2 * source_size + 8192)
    buf = getattr(_buffers, "buf", None)
    if buf is None or len(buf) < size:
        buf = _buffers.buf = bytearray(size)
    return buf


def _size_of(source: Source, stream: IO[bytes]) -> int | None:
    if isinstance(source, LogSource):
        return source.size
    if isinstance(source, bytes):
        return len(source)
    try:
        return os.fstat(stream.fileno()).st_size
    except (OSError, AttributeError, ValueError):
        return None


def _checked(buf: bytearray, n: int, validate: bool) -> Chunk:
    if not validate:
        return buf, n
    chunk = bytes(buf[:n])
    if chunk.isascii():
        return chunk, n
    try:
        chunk.decode("utf-8")
    except UnicodeDecodeError:
        chunk = chunk.decode("utf-8", errors="replace").encode("utf-8")
    return chunk, len(chunk)


def _open(source: Source) -> IO[bytes]:
    if isinstance(source, LogSource):
        return source.open()
    if isinstance(source, bytes):
        return io.BytesIO(source)
    return open(source, "rb")


def _char_cut(buf: bytearray, end: int) -> int:
    cut = end
    for _ in range(4):
        if cut and (buf[cut - 1] & 0xC0) == 0x80:
            cut -= 1
        else:
            break
    if cut and buf[cut - 1] >= 0xC0:
        return cut - 1
    return end if cut == end else cut


def _chain_first(first: Chunk | None, rest: Iterator[Chunk]) -> Iterator[Chunk]:
    if first is not None and first[1]:
        yield first
    yield from rest


def _counting(chunks: Iterable[Chunk], result: FileScan, cancel: CancelCheck | None,
              on_bytes: Callable[[int], None] | None) -> Iterator[Chunk]:
    for chunk, n in chunks:
        if cancel is not None and cancel.is_cancelled():
            raise Cancelled
        result.bytes += n
        yield chunk, n
        if on_bytes is not None:
            on_bytes(n)


def _first_start(buf: Buf, starts: Callable[[Buf, int], bool], n: int) -> int:
    """Offset of the first line that starts an event (n if none does)."""
    pos = 0
    for _ in range(MAX_WALK_LINES):
        if pos >= n:
            return n
        if starts(buf, pos):
            return pos
        nl = buf.find(b"\n", pos, n)
        if nl < 0:
            return n
        pos = nl + 1
    return pos


def _walk_back(buf: Buf, line_start: int, floor: int, starts: Callable[[Buf, int], bool]) -> int:
    s = line_start
    for _ in range(MAX_WALK_LINES):
        if s <= floor or starts(buf, s):
            return max(s, floor)
        s = buf.rfind(b"\n", 0, s - 1) + 1
    return s


def _walk_forward(buf: Buf, pos: int, starts: Callable[[Buf, int], bool], n: int) -> int:
    """Offset of the next line after `pos` that starts an event (n if the event runs to the end)."""
    nl = buf.find(b"\n", pos, n)
    for _ in range(MAX_WALK_LINES):
        if nl < 0 or nl + 1 >= n:
            return n
        if starts(buf, nl + 1):
            return nl + 1
        nl = buf.find(b"\n", nl + 1, n)
    return nl + 1 if nl >= 0 else n
