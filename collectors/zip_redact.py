"""Redacting the text inside archives another program made while copying them into the bundle.

Acronis's own system report (``acrocmd sysinfo``) is a zip of logs and configuration files with the same
secrets our collectors strip; log folders hold zip, gzip, bzip2 and xz archives and tarballs. Each is streamed
member by member into a new zip, text members through the redactor, truly binary ones as they are (and listed
as such). Archives inside the archive are opened too and their members written beside the others under the
archive's name (``logs.zip`` holding ``old.tar.gz`` gives ``old.tar/mms.0.log``); nothing is unpacked to disk
except a nested zip, spooled to a temporary file because zip needs to seek. Names are masked like text
(a member called ``password=x.txt`` becomes ``password=REDACTED.txt``). Caps on size, count, ratio and depth
come from `collectors.archives.Limits`; what goes over is left out with the reason.
"""

from __future__ import annotations

import tarfile
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

from acronis_triage.collectors.archives import ArchiveRefused, DecompressingReader, Limits
from acronis_triage.collectors.redact import Redactor
from acronis_triage.collectors.sniff import BZIP2, GZIP, NOT_OPENED, TAR, XZ, ZIP, archive_kind, looks_binary
from acronis_triage.collectors.textdecode import sniff_encoding

MAX_MEMBER_BYTES = 1024 * 1024 * 1024
HEAD = 64 * 1024
_COMPRESSED_SUFFIXES = {
    GZIP: ((".tgz", ".tar"), (".gz", ""), (".gzip", "")),
    BZIP2: ((".tbz2", ".tar"), (".tbz", ".tar"), (".bz2", "")),
    XZ: ((".txz", ".tar"), (".xz", "")),
}


@dataclass
class ZipCopyReport:
    members: int = 0
    redacted: int = 0
    raw: list[str] = field(default_factory=list)  # binary members copied as they are
    skipped: list[tuple[str, str]] = field(default_factory=list)
    damaged: list[tuple[str, str]] = field(default_factory=list)  # members kept up to where they were readable

    def note(self) -> str:
        parts = [f"text of {self.members - len(self.raw)} members redacted"]
        if self.raw:
            shown = ", ".join(self.raw[:5]) + (f" and {len(self.raw) - 5} more" if len(self.raw) > 5 else "")
            parts.append(f"{len(self.raw)} binary member{'s' * (len(self.raw) > 1)} copied as "
                         f"{'they are' if len(self.raw) > 1 else 'it is'}, not redacted: {shown}")
        return "; ".join(parts)


def decompressed_name(name: str, kind: str) -> str:
    """``mms.3.log.gz`` -> ``mms.3.log``, ``old.tgz`` -> ``old.tar``; a name without the suffix stays."""
    low = name.lower()
    for suffix, replacement in _COMPRESSED_SUFFIXES.get(kind, ()):
        if low.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)] + replacement
    return name


class _Unseekable:
    """Lets zipfile write into the bundle's member stream, which cannot seek (it uses data descriptors)."""

    def __init__(self, sink: Any) -> None:
        self._sink = sink

    def write(self, data: bytes) -> int:
        self._sink.write(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass


class _Counted:
    """A member's stream, counted against the caps as it is read (the header's sizes may lie)."""

    def __init__(self, handle: Any, limits: Limits, compressed: int | None, name: str) -> None:
        self._handle = handle
        self._limits = limits
        self._compressed = compressed
        self._name = name
        self.total = 0

    def read(self, size: int = -1) -> bytes:
        data = self._handle.read(size if size is not None and size >= 0 else 1024 * 1024)
        self.total += len(data)
        self._limits.account(len(data))
        if self.total > self._limits.max_member:
            raise ArchiveRefused(f"larger than {self._limits.max_member // 2**20} MiB; left out")
        if (self._compressed is not None and self.total > self._limits.ratio_floor
                and self.total > self._limits.max_ratio * max(1, self._compressed)):
            raise ArchiveRefused(f"decompresses more than {self._limits.max_ratio} times its size "
                                 "(a decompression bomb?); left out")
        return data


def _read_full(stream: Any, n: int) -> bytes:
    parts: list[bytes] = []
    got = 0
    while got < n:
        data = stream.read(n - got)
        if not data:
            break
        parts.append(data)
        got += len(data)
    return b"".join(parts)


def _unsafe(name: str) -> bool:
    norm = name.replace("\\", "/")
    return norm.startswith("/") or ".." in norm.split("/") or (len(norm) > 1 and norm[1] == ":")


class ContainerWriter:
    """Writes redacted members into ``dst`` (an open zip being written), from zips, tars and compressed files."""

    def __init__(self, dst: zipfile.ZipFile, redactor: Redactor, copy_text: Callable[[Any, Any, str, bytes], None],
                 limits: Limits, report: ZipCopyReport) -> None:
        self.dst = dst
        self.redactor = redactor
        self.copy_text = copy_text
        self.limits = limits
        self.report = report
        self._names: set[str] = set()

    def skip(self, name: str, reason: str) -> None:
        self.report.skipped.append((self.redactor.redact_name(name), reason))

    def _count_member(self) -> None:
        self.limits.members += 1
        if self.limits.members > self.limits.max_members:
            raise ArchiveRefused(f"more than {self.limits.max_members} members; the rest is left out")

    def zip_members(self, src: zipfile.ZipFile, prefix: str, depth: int) -> None:
        for info in src.infolist():
            if info.is_dir():
                continue
            shown = prefix + info.filename
            if _unsafe(info.filename):
                self.skip(shown, "unsafe member name")
                continue
            if info.flag_bits & 0x1:
                self.skip(shown, "encrypted member")
                continue
            if info.file_size > self.limits.max_member:
                self.skip(shown, f"member of {info.file_size // 2**20} MiB is over the cap")
                continue
            self._count_member()
            try:
                with src.open(info) as handle:
                    self.member(shown, _Counted(handle, self.limits, info.compress_size, shown), depth,
                                info.date_time)
            except ArchiveRefused as exc:
                if self.limits.used > self.limits.max_total or self.limits.members > self.limits.max_members:
                    raise
                self.skip(shown, str(exc))
            except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError, RuntimeError) as exc:
                self.skip(shown, f"cannot read: {exc}")

    def tar_members(self, tar: tarfile.TarFile, prefix: str, depth: int) -> None:
        for info in tar:
            shown = prefix + info.name
            if not info.isfile():
                if not info.isdir():
                    self.skip(shown, "not a regular file (link or device) in the tar archive")
                continue
            if _unsafe(info.name):
                self.skip(shown, "unsafe member name")
                continue
            self._count_member()
            handle = tar.extractfile(info)
            if handle is None:
                continue
            try:
                self.member(shown, _Counted(handle, self.limits, None, shown), depth,
                            _date_time(info.mtime))
            except ArchiveRefused as exc:
                if self.limits.used > self.limits.max_total or self.limits.members > self.limits.max_members:
                    raise
                self.skip(shown, str(exc))
                return  # a tar stream cannot skip past a member it stopped reading

    def member(self, shown: str, stream: Any, depth: int,
               date_time: tuple[int, int, int, int, int, int] | None = None) -> None:
        head = _read_full(stream, HEAD)
        kind = archive_kind(head)
        if kind in NOT_OPENED:
            self.skip(shown, f"{kind} archive: not opened here, so its text cannot be redacted; left out")
            return
        if kind is not None and depth >= self.limits.max_depth:
            self.skip(shown, f"archive nested more than {self.limits.max_depth} deep; left out")
            return
        rest = Prefixed(head, stream)
        if kind == ZIP:
            self._nested_zip(shown, rest, depth)
        elif kind == TAR:
            with tarfile.open(fileobj=rest, mode="r|") as tar:  # type: ignore[call-overload]
                self.tar_members(tar, shown + "/", depth + 1)
        elif kind in (GZIP, BZIP2, XZ):
            inner = DecompressingReader(rest, kind, self.limits, name=shown)
            self.member(decompressed_name(shown, kind), inner, depth + 1, date_time)
            if inner.damage:
                self.report.damaged.append((self.redactor.redact_name(shown), inner.damage))
        else:
            self.leaf(shown, rest, head, date_time)

    def _nested_zip(self, shown: str, rest: Any, depth: int) -> None:
        with tempfile.TemporaryFile(prefix="acronis-triage-") as spool:
            size = 0
            while chunk := rest.read(1024 * 1024):
                size += len(chunk)
                if size > self.limits.spool_max:
                    self.skip(shown, f"zip inside an archive larger than {self.limits.spool_max // 2**20} MiB; "
                                     "left out")
                    return
                spool.write(chunk)
            spool.seek(0)
            try:
                with zipfile.ZipFile(spool) as inner:
                    self.zip_members(inner, shown + "/", depth + 1)
            except zipfile.BadZipFile as exc:
                self.skip(shown, f"damaged zip: {exc}")

    def _unique(self, name: str) -> str:
        if name not in self._names:
            self._names.add(name)
            return name
        stem, dot, ext = name.rpartition(".")
        if not dot or "/" in ext:
            stem, ext = name, ""
        n = 2
        while f"{stem}~{n}{'.' + ext if ext else ''}" in self._names:
            n += 1
        name = f"{stem}~{n}{'.' + ext if ext else ''}"
        self._names.add(name)
        return name

    def leaf(self, shown: str, rest: Any, head: bytes,
             date_time: tuple[int, int, int, int, int, int] | None) -> None:
        name = self._unique(self.redactor.redact_name(shown.replace("\\", "/")))
        out = zipfile.ZipInfo(name, date_time=date_time or (1980, 1, 1, 0, 0, 0))
        out.compress_type = zipfile.ZIP_DEFLATED
        binary = looks_binary(head)
        with self.dst.open(out, "w", force_zip64=True) as target:
            if binary:
                while chunk := rest.read(1024 * 1024):
                    target.write(chunk)
                self.report.raw.append(name)
            else:
                before = self.redactor.replacements
                self.copy_text(rest, target, text_encoding(head), head)
                self.report.redacted += self.redactor.replacements > before
        self.report.members += 1


def text_encoding(head: bytes) -> str:
    """The encoding of text whose first bytes may be NUL padding: sniffed where the text starts."""
    start = len(head) - len(head.lstrip(b"\x00"))
    if start == 0:
        return sniff_encoding(head[:4096])
    return sniff_encoding(head[start - start % 2:][:4096])


def _date_time(mtime: float) -> tuple[int, int, int, int, int, int]:
    import time

    try:
        t = time.gmtime(mtime)
    except (OverflowError, OSError, ValueError):
        return (1980, 1, 1, 0, 0, 0)
    return (min(max(t.tm_year, 1980), 2107), t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec)


def copy_zip_redacted(
    source: Path,
    sink: Any,
    redactor: Redactor,
    copy_text: Callable[[Any, Any, str, bytes], None],
    limits: Limits | None = None,
) -> ZipCopyReport:
    """Write a copy of the zip ``source`` into ``sink`` with every text member redacted.

    ``copy_text(src_handle, dst_handle, encoding, head)`` streams one text member through the redactor.
    Members with unsafe names, encryption or over a cap are left out and reported.
    """
    report = ZipCopyReport()
    limits = limits or Limits()
    with zipfile.ZipFile(source) as src, \
            zipfile.ZipFile(cast(IO[bytes], _Unseekable(sink)), "w", zipfile.ZIP_DEFLATED) as dst:
        writer = ContainerWriter(dst, redactor, copy_text, limits, report)
        try:
            writer.zip_members(src, "", 0)
        except ArchiveRefused as exc:
            report.skipped.append(("(rest of the archive)", str(exc)))
    return report


def copy_stream_redacted(
    name: str,
    stream: Any,
    sink: Any,
    redactor: Redactor,
    copy_text: Callable[[Any, Any, str, bytes], None],
    limits: Limits | None = None,
) -> ZipCopyReport:
    """Write a zip into ``sink`` holding the redacted members of the archive read from ``stream`` (a tar, or
    a compressed tar), under ``name/``."""
    report = ZipCopyReport()
    limits = limits or Limits()
    with zipfile.ZipFile(cast(IO[bytes], _Unseekable(sink)), "w", zipfile.ZIP_DEFLATED) as dst:
        writer = ContainerWriter(dst, redactor, copy_text, limits, report)
        try:
            writer.member(name, stream, 0)
        except ArchiveRefused as exc:
            report.skipped.append(("(rest of the archive)", str(exc)))
        except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
            report.skipped.append((redactor.redact_name(name), f"damaged archive: {exc}"))
    return report


class Prefixed:
    """A stream that first returns bytes already read (the sniffed head), then the rest."""

    def __init__(self, head: bytes, handle: Any) -> None:
        self._head = head
        self._handle = handle

    def read(self, size: int = -1) -> bytes:
        if self._head:
            if size is None or size < 0:
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

