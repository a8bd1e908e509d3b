"""Redacting the text inside a zip another program made (Acronis's own system report) while copying it.

The report is built on the customer machine by ``acrocmd sysinfo`` and holds logs and configuration files with
the same secrets our own collectors strip; it is streamed member by member into a new zip, text members through
the redactor, binary ones as they are. Nothing is unpacked to disk.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from collectors.redact import Redactor
from collectors.textdecode import sniff_encoding

MAX_MEMBER_BYTES = 1024 * 1024 * 1024


@dataclass
class ZipCopyReport:
    members: int = 0
    redacted: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)


class _Unseekable:
    """Lets zipfile write into the bundle's member stream, which cannot seek (it uses data descriptors)."""

    def __init__(self, sink: Any) -> None:
        self._sink = sink

    def write(self, data: bytes) -> int:
        self._sink.write(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass


def copy_zip_redacted(
    source: Path,
    sink: Any,
    redactor: Redactor,
    copy_text: Callable[[Any, Any, str, bytes], None],
) -> ZipCopyReport:
    """Write a copy of ``source`` into ``sink`` with every text member redacted.

    ``copy_text(src_handle, dst_handle, encoding, head)`` streams one text member through the redactor.
    Members with unsafe names, encryption or an absurd size are left out and reported.
    """
    report = ZipCopyReport()
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(_Unseekable(sink), "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            name = info.filename
            if info.is_dir():
                continue
            if name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/"):
                report.skipped.append((name, "unsafe member name"))
                continue
            if info.flag_bits & 0x1:
                report.skipped.append((name, "encrypted member"))
                continue
            if info.file_size > MAX_MEMBER_BYTES:
                report.skipped.append((name, f"member of {info.file_size // 2**20} MiB is over the cap"))
                continue
            out = zipfile.ZipInfo(name, date_time=info.date_time)
            out.compress_type = zipfile.ZIP_DEFLATED
            with src.open(info) as handle, dst.open(out, "w", force_zip64=True) as target:
                head = handle.read(4096)
                encoding = sniff_encoding(head)
                rest = _Prefixed(head, handle)
                if b"\0" in head and not encoding.startswith("utf-16"):
                    while chunk := rest.read(1024 * 1024):
                        target.write(chunk)
                else:
                    before = redactor.replacements
                    copy_text(rest, target, encoding, head)
                    report.redacted += redactor.replacements > before
            report.members += 1
    return report


class _Prefixed:
    """A stream that first returns bytes already read (the sniffed head), then the rest."""

    def __init__(self, head: bytes, handle: Any) -> None:
        self._head = head
        self._handle = handle

    def read(self, size: int = -1) -> bytes:
        if self._head:
            if size < 0:
                data, self._head = self._head + self._handle.read(), b""
                return data
            data, self._head = self._head[:size], self._head[size:]
            if len(data) < size:
                data += self._handle.read(size - len(data))
            return data
        return self._handle.read(size)

    def readline(self) -> bytes:
        if self._head:
            cut = self._head.find(b"\n")
            if cut >= 0:
                line, self._head = self._head[: cut + 1], self._head[cut + 1:]
                return line
            line, self._head = self._head, b""
            return line + self._handle.readline()
        return self._handle.readline()
