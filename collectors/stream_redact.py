"""Redacting a stream on its way into the bundle: whole files, the tail of a big log, UTF-16, text in archives."""

from __future__ import annotations

import codecs
from collections.abc import Callable
from typing import Any

from acronis_triage.collectors.bundle_deflate import CHUNK
from acronis_triage.collectors.redact import Redactor
from acronis_triage.collectors.textdecode import sniff_encoding

LOOKBACK = 64 * 1024  # read above a tail cut so that a secret begun there (a PEM key) is still masked below it


class PlainSink:
    """`copy_redacted` writes to a sink with ``write``; a plain file handle is one."""

    def __init__(self, handle: Any) -> None:
        self.write = handle.write


def explicit_utf16(encoding: str, head: bytes) -> str:
    # "utf-16" means a BOM we have already seen; decoding from the middle of the file needs the byte order.
    if encoding == "utf-16":
        return "utf-16-be-bom" if head.startswith(codecs.BOM_UTF16_BE) else "utf-16-le-bom"
    return encoding


def text_encoding(sample: bytes) -> str:
    from acronis_triage.collectors.zip_redact import text_encoding

    return text_encoding(sample)


def text_copier(redactor: Redactor) -> Callable[[Any, Any, str, bytes], None]:
    def copy_text(src: Any, dst: Any, encoding: str, head: bytes) -> None:
        copy_redacted(src, PlainSink(dst), explicit_utf16(encoding, head), redactor, False)

    return copy_text


def discard(reader: Any, start: int, keep: int) -> bytes:
    """Read and drop ``start`` bytes of a stream; return the last ``keep`` of them (to prime the redactor)."""
    tail = b""
    left = start
    while left > 0:
        chunk = reader.read(min(CHUNK, left))
        if not chunk:
            break
        left -= len(chunk)
        tail = (tail + chunk)[-keep:]
    return tail


class AfterLine:
    """A stream that starts after the first line break (a tail starts on a line of its own)."""

    def __init__(self, reader: Any, encoding: str) -> None:
        self._reader = reader
        self._nl = b"\n\x00" if encoding.startswith("utf-16-le") else b"\x00\n" if encoding.startswith(
            "utf-16") else b"\n"
        self._skipped = False

    def read(self, size: int = -1) -> bytes:
        while not self._skipped:
            chunk = self._reader.read(CHUNK)
            if not chunk:
                self._skipped = True
                return b""
            step = len(self._nl)
            cut = chunk.find(self._nl)
            while cut >= 0 and cut % step:
                cut = chunk.find(self._nl, cut + 1)
            if cut >= 0:
                self._skipped = True
                return chunk[cut + step:]
        return self._reader.read(size)


def is_utf16(data: bytes) -> bool:
    return sniff_encoding(data[:4096]).startswith("utf-16")


def skip_partial_line(handle: Any, encoding: str) -> None:
    if encoding.startswith("utf-16"):
        while (pair := handle.read(2)) and pair not in (b"\n\x00", b"\x00\n"):
            pass
    else:
        handle.readline()


def copy_redacted(handle: Any, sink: Any, encoding: str, redactor: Redactor, mid_file: bool, *,
                   lookback: bytes | None = None) -> None:
    """Stream ``handle`` through the redactor into ``sink``.

    ``mid_file``: the copy starts inside the file (the tail of a big log); the text just above the start
    (``lookback``, or read back from a seekable handle) primes the redactor, so that a key whose BEGIN line
    was cut off is still masked. UTF-16 is redacted as text and written back in its byte order; a BOM stays
    where the source had it.
    """
    if encoding.startswith("utf-16"):
        encoding = "utf-16-be" if encoding.startswith("utf-16-be") else "utf-16-le"
    stream = redactor.stream(encoding)
    if mid_file:
        if lookback is None:
            lookback = read_back(handle, LOOKBACK, 2 if encoding.startswith("utf-16") else 1)
        if lookback:
            stream.prime(lookback)
    while chunk := handle.read(CHUNK):
        out = stream.feed(chunk)
        if out:
            sink.write(out)
    out = stream.finish()
    if out:
        sink.write(out)


def read_back(handle: Any, n: int, align: int) -> bytes:
    try:
        pos = handle.tell()
        start = max(0, pos - n)
        start -= start % align
        handle.seek(start)
        data = handle.read(pos - start)
        handle.seek(pos)
        return data
    except (OSError, AttributeError, ValueError):
        return b""
