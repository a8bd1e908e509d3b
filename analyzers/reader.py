"""Turn any log source into text: gzip by magic bytes, UTF-8 (BOM or not), UTF-16 LE/BE (BOM or not), cp1252.

Two ways out:
* `read_text` / `read_head` give a ``str`` (whole file, or its first bytes for format detection);
* `iter_utf8_chunks` streams valid UTF-8 ``bytes`` of bounded size that end on line boundaries, which is
  what the hyperscan engine and the line-based parsers consume.

Nothing here raises on bad bytes: undecodable input becomes U+FFFD. Opening errors (missing file,
unreadable archive member) do raise ``OSError`` so the caller can record the source as skipped.
"""

from __future__ import annotations

import codecs
import gzip
import io
import os
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, cast

from acronis_triage.analyzers.limits import DEFAULT_LIMITS, Limits
from acronis_triage.analyzers.model import LogSource
from acronis_triage.collectors.textdecode import sniff_encoding

Source = LogSource | str | os.PathLike | bytes

CHUNK_SIZE = 16 * 1024 * 1024
HEAD_SIZE = 64 * 1024
_SNIFF_SIZE = 4096
_GZIP_MAGIC = b"\x1f\x8b"


def source_name(source: Source) -> str:
    if isinstance(source, LogSource):
        return source.name
    if isinstance(source, bytes):
        return "<bytes>"
    return os.fspath(source)


class _Prefixed(io.RawIOBase):
    """A stream whose first bytes were already read (for sniffing) and are served again first."""

    def __init__(self, prefix: bytes, rest: IO[bytes]) -> None:
        self._prefix = memoryview(prefix)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        if self._prefix:
            n = min(len(buffer), len(self._prefix))
            buffer[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
            return n
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _open_raw(source: Source) -> IO[bytes]:
    if isinstance(source, LogSource):
        return source.open()
    if isinstance(source, bytes):
        return io.BytesIO(source)
    return open(Path(source), "rb")


@contextmanager
def open_bytes(source: Source, problems: list[str] | None = None,
               limits: Limits = DEFAULT_LIMITS) -> Iterator[IO[bytes]]:
    """The source's content as a binary stream, gunzipped when it starts with the gzip magic bytes.

    A gzip stream is cut where it expands past `Limits.expansion_cap` of its compressed size (a rotation bomb
    of a few KB would otherwise be scanned for gigabytes); the cut is appended to `problems`."""
    raw = _open_raw(source)
    try:
        magic = _read_exactly(raw, 2)
        stream: IO[bytes]
        if _seekable(raw):
            raw.seek(0)
            stream = raw
        else:
            stream = io.BufferedReader(_Prefixed(magic, raw), buffer_size=1024 * 1024)
        if magic == _GZIP_MAGIC:
            compressed = _compressed_size(source, raw)
            cap = limits.expansion_cap(compressed) if compressed is not None else limits.member_bytes
            # a raw stream, read like a binary file (read_exactly and _read_safely know its pieces)
            stream = cast("IO[bytes]", _CappedGzip(gzip.GzipFile(fileobj=stream, mode="rb"), cap, compressed,
                                                   problems))
        yield stream
    finally:
        raw.close()


def _compressed_size(source: Source, raw: IO[bytes]) -> int | None:
    if isinstance(source, LogSource):
        if source.size is not None:
            return source.size
    elif isinstance(source, bytes):
        return len(source)
    try:
        return os.fstat(raw.fileno()).st_size
    except (OSError, AttributeError, ValueError, io.UnsupportedOperation):
        return None


class _CappedGzip(io.RawIOBase):
    """A gunzipped stream that ends after `cap` bytes and says so when more was there."""

    def __init__(self, inner: gzip.GzipFile, cap: int, compressed: int | None, problems: list[str] | None) -> None:
        self._inner = inner
        self._left = cap
        self._cap = cap
        self._compressed = compressed
        self._problems = problems

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._left <= 0:
            return 0
        data = self._inner.read(min(len(buffer), self._left))
        n = len(data)
        buffer[:n] = data
        self._left -= n
        if self._left <= 0 and self._inner.read(1):
            self._report()
        return n

    def _report(self) -> None:
        if self._problems is None:
            return
        ratio = f"more than {self._cap // max(self._compressed, 1)}:1 of its {self._compressed} compressed bytes" \
            if self._compressed else "past the size limit"
        self._problems.append(
            f"gzip stream expands {ratio}: only its first {self._cap // 2**20} MiB were analyzed "
            "(decompression bomb or a huge rotation)")

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            parts = []
            while part := self.read(_PIECE):
                parts.append(part)
            return b"".join(parts)
        buf = bytearray(size)
        n = self.readinto(buf)
        return bytes(buf[:n])

    def close(self) -> None:
        self._inner.close()
        super().close()


def _seekable(stream: IO[bytes]) -> bool:
    try:
        return stream.seekable()
    except (AttributeError, OSError, ValueError):
        return False


def _read_exactly(stream: IO[bytes], n: int) -> bytes:
    data = b""
    while len(data) < n:
        part = stream.read(n - len(data))
        if not part:
            break
        data += part
    return data


_PIECE = 1024 * 1024


def _read_safely(stream: IO[bytes], n: int, problems: list[str] | None) -> tuple[bytes, bool]:
    """Up to n bytes and whether the stream ended.

    Gzip is read in 1 MiB pieces so a damaged or cut stream still gives everything before the damage.
    """
    piece = _PIECE if isinstance(stream, (gzip.GzipFile, _CappedGzip)) else n
    parts: list[bytes] = []
    got = 0
    while got < n:
        try:
            part = stream.read(min(piece, n - got))
        except (EOFError, OSError, ValueError, zlib.error) as exc:
            if problems is not None:
                problems.append(f"compressed stream ends early ({exc}); what came before was analyzed")
            return b"".join(parts), True
        if not part:
            return b"".join(parts), True
        parts.append(part)
        got += len(part)
    return parts[0] if len(parts) == 1 else b"".join(parts), False


def detect_encoding(head: bytes) -> str:
    return sniff_encoding(head[:_SNIFF_SIZE])


def read_text(source: Source, max_bytes: int | None = None, problems: list[str] | None = None) -> str:
    """The whole decoded text (or that of the first ``max_bytes`` decompressed bytes)."""
    return b"".join(iter_utf8_chunks(source, max_bytes=max_bytes, problems=problems)).decode("utf-8")


def read_head(source: Source, size: int = HEAD_SIZE) -> str:
    """The first ``size`` decompressed bytes as text, for format detection."""
    return read_text(source, max_bytes=size)


def _char_boundary(buf: bytes, end: int) -> int:
    """The largest cut <= end that does not split a UTF-8 sequence."""
    k = 0
    while k < 3 and end - 1 - k >= 0 and (buf[end - 1 - k] & 0xC0) == 0x80:
        k += 1
    lead_at = end - 1 - k
    if lead_at < 0:
        return end
    lead = buf[lead_at]
    if lead < 0xC0:
        return end
    needed = 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
    return lead_at if k + 1 < needed else end


def _valid_utf8(piece: bytes) -> bytes:
    try:
        piece.decode("utf-8")
    except UnicodeDecodeError:
        return piece.decode("utf-8", errors="replace").encode("utf-8")
    return piece


class _Chunks:
    """Pulls bounded chunks from a decompressed stream, honouring an optional byte limit."""

    def __init__(self, stream: IO[bytes], chunk_size: int, limit: int | None, problems: list[str] | None):
        self.stream = stream
        self.chunk_size = chunk_size
        self.limit = limit
        self.problems = problems
        self.read_so_far = 0

    def next(self) -> tuple[bytes, bool]:
        want = self.chunk_size
        if self.limit is not None:
            want = min(want, self.limit - self.read_so_far)
            if want <= 0:
                return b"", True
        data, ended = _read_safely(self.stream, want, self.problems)
        self.read_so_far += len(data)
        if self.limit is not None and self.read_so_far >= self.limit:
            ended = True
        return data, ended


def iter_utf8_chunks(
    source: Source,
    chunk_size: int = CHUNK_SIZE,
    max_bytes: int | None = None,
    problems: list[str] | None = None,
) -> Iterator[bytes]:
    """Valid UTF-8 chunks of about ``chunk_size`` bytes, each ending with ``\\n`` (except the last one).

    A single line longer than ``2 * chunk_size`` is split so memory stays bounded; the next chunk then
    continues that line. ``max_bytes`` stops after that many decompressed input bytes (file heads).
    Problems met on the way (a cut gzip stream) are appended to ``problems``.
    """
    with open_bytes(source, problems) as stream:
        chunks = _Chunks(stream, chunk_size, max_bytes, problems)
        first, eof = chunks.next()
        encoding = detect_encoding(first)
        cut_tail = max_bytes is not None
        if encoding in ("utf-8", "utf-8-sig"):
            if encoding == "utf-8-sig":
                first = first[len(codecs.BOM_UTF8) :]
            yield from _utf8_passthrough(first, eof, chunks, chunk_size, cut_tail)
        else:
            yield from _transcode(first, eof, chunks, chunk_size, encoding, cut_tail)


def _utf8_passthrough(data: bytes, eof: bool, chunks: _Chunks, chunk_size: int, cut_tail: bool) -> Iterator[bytes]:
    carry = b""
    while True:
        buf = carry + data if carry else data
        if eof:
            if cut_tail:
                # A head read may stop inside a character: leave that half out rather than show U+FFFD.
                buf = buf[: _char_boundary(buf, len(buf))]
            if buf:
                yield _valid_utf8(buf)
            return
        cut = buf.rfind(b"\n") + 1
        if cut == 0:
            if len(buf) < 2 * chunk_size:
                carry = buf
                data, eof = chunks.next()
                continue
            cut = _char_boundary(buf, len(buf))
        yield _valid_utf8(buf[:cut])
        carry = buf[cut:]
        data, eof = chunks.next()


def _transcode(
    data: bytes, eof: bool, chunks: _Chunks, chunk_size: int, encoding: str, cut_tail: bool
) -> Iterator[bytes]:
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    carry = ""
    while True:
        # On a head read, a half UTF-16 code unit at the end stays in the decoder instead of becoming U+FFFD.
        text = decoder.decode(data, final=eof and not cut_tail)
        buf = carry + text if carry else text
        if eof:
            if buf:
                yield buf.encode("utf-8", errors="replace")
            return
        cut = buf.rfind("\n") + 1
        if cut == 0:
            if len(buf) < chunk_size:
                carry = buf
                data, eof = chunks.next()
                continue
            cut = len(buf)
        yield buf[:cut].encode("utf-8", errors="replace")
        carry = buf[cut:]
        data, eof = chunks.next()
