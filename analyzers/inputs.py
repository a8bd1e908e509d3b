"""What ``analyze PATH...`` reads: files, folders, our bundles, any .zip (one level of nested zips), .7z and stdin.

Received archives are hostile until proven otherwise: nothing is extracted to disk, member names are never
used as paths, and member size, total size, member count and compression ratio are capped. Everything that
cannot or should not be read becomes a `Skipped` with a reason; nothing raises.
"""

from __future__ import annotations

import io
import os
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from analyzers.model import LogSource, Skipped
from collectors.textdecode import sniff_encoding

ARCHIVE_SUFFIXES = (".zip", ".7z")
_GZIP_MAGIC = b"\x1f\x8b"
_BUNDLE_SKIP = ("manifest.json", "analysis/", "report", "escalation")


@dataclass(frozen=True)
class Limits:
    member_bytes: int = 1024 * 2**20  # one uncompressed member
    total_bytes: int = 8 * 2**30  # all members of one archive
    members: int = 50_000
    ratio: int = 200  # uncompressed / compressed, beyond which a member is treated as a zip bomb
    ratio_floor: int = 16 * 2**20  # small members may compress very well (logs of repeated lines)
    nested_bytes: int = 512 * 2**20  # a nested archive is read into memory
    stdin_bytes: int = 512 * 2**20


DEFAULT_LIMITS = Limits()


def resolve_inputs(paths: list[str], *, stdin: IO[bytes] | None = None,
                   limits: Limits = DEFAULT_LIMITS) -> list[LogSource | Skipped]:
    out: list[LogSource | Skipped] = []
    for raw in paths:
        if raw == "-":
            out.append(_stdin_source(stdin, limits))
            continue
        path = Path(raw)
        try:
            if path.is_dir():
                out.extend(_folder(path, limits))
            elif path.is_file():
                out.extend(_file(path, str(path), limits))
            elif path.exists():
                out.append(Skipped(raw, "not a regular file or folder"))
            else:
                out.append(Skipped(raw, "no such file or folder"))
        except OSError as exc:
            out.append(Skipped(raw, f"cannot read: {exc.strerror or exc}"))
    return out


def _stdin_source(stdin: IO[bytes] | None, limits: Limits) -> LogSource | Skipped:
    stream = stdin if stdin is not None else sys.stdin.buffer
    try:
        data = stream.read(limits.stdin_bytes + 1)
    except (OSError, ValueError) as exc:
        return Skipped("-", f"cannot read standard input: {exc}")
    if not data:
        return Skipped("-", "standard input was empty")
    if len(data) > limits.stdin_bytes:
        return Skipped("-", f"standard input is larger than {limits.stdin_bytes // 2**20} MiB; save it to a file")
    return LogSource("<stdin>", lambda: io.BytesIO(data), len(data))


def _folder(root: Path, limits: Limits) -> Iterator[LogSource | Skipped]:
    for dirpath, dirnames, filenames in os.walk(root, onerror=None):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath, name)
            if path.is_symlink() or not path.is_file():
                continue
            try:
                yield from _file(path, str(path), limits)
            except OSError as exc:
                yield Skipped(str(path), f"cannot read: {exc.strerror or exc}")


def _file(path: Path, display: str, limits: Limits) -> list[LogSource | Skipped]:
    with open(path, "rb") as fh:
        head = fh.read(4096)
    size = path.stat().st_size
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return list(_zip_members(path, display, limits, nested=True))
    if head.startswith(b"7z\xbc\xaf\x27\x1c"):
        return list(_7z_members(path, display, limits))
    reason = binary_reason(head)
    if reason:
        return [Skipped(display, reason)]
    return [LogSource(display, lambda p=path: open(p, "rb"), size)]


def binary_reason(head: bytes) -> str | None:
    """Why these first bytes are not a log we can read, or None for text (UTF-8/16, cp1252, gzip)."""
    if not head or head.startswith(_GZIP_MAGIC):
        return None
    if b"\x00" in head and not sniff_encoding(head).startswith("utf-16"):
        return "binary file (not a text log)"
    return None


def _unsafe_name(name: str) -> bool:
    p = PurePosixPath(name.replace("\\", "/"))
    return p.is_absolute() or ".." in p.parts or (len(name) > 1 and name[1] == ":")


def _is_our_bundle(names: set[str]) -> bool:
    return "manifest.json" in names and any(n.startswith("collected/") for n in names)


def _zip_members(path_or_data: Path | bytes, display: str, limits: Limits,
                 nested: bool) -> Iterator[LogSource | Skipped]:
    try:
        zf = zipfile.ZipFile(path_or_data if isinstance(path_or_data, Path) else io.BytesIO(path_or_data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        yield Skipped(display, f"not a readable zip archive: {exc}")
        return
    infos = [i for i in zf.infolist() if not i.is_dir()]
    if len(infos) > limits.members:
        yield Skipped(display, f"archive has {len(infos)} members, more than the {limits.members} allowed")
        return
    bundle = _is_our_bundle({i.filename for i in infos})
    total = 0
    for info in infos:
        name = info.filename
        where = f"{display}!{name}"
        if bundle and not name.startswith("collected/"):
            continue
        if _unsafe_name(name):
            yield Skipped(where, "unsafe member name (absolute path or '..'); not read")
            continue
        if info.flag_bits & 0x1:
            yield Skipped(where, "encrypted member; not read")
            continue
        reason = _size_problem(info.file_size, info.compress_size, total, limits)
        if reason:
            yield Skipped(where, reason)
            continue
        total += info.file_size
        try:
            with zf.open(info) as fh:
                head = fh.read(4096)
        except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError, EOFError, ValueError) as exc:
            yield Skipped(where, f"cannot read this member: {exc}")
            continue
        if head.startswith(b"PK\x03\x04") or name.lower().endswith(ARCHIVE_SUFFIXES):
            if not nested:
                yield Skipped(where, "archive nested more than one level deep; not opened")
                continue
            if info.file_size > limits.nested_bytes:
                yield Skipped(where, f"nested archive larger than {limits.nested_bytes // 2**20} MiB; not opened")
                continue
            data = _read_capped(zf, info, limits.nested_bytes)
            if head.startswith(b"7z"):
                yield from _7z_members(data, where, limits)
            else:
                yield from _zip_members(data, where, limits, nested=False)
            continue
        reason = binary_reason(head)
        if reason:
            yield Skipped(where, reason)
            continue
        yield LogSource(where, lambda i=info: _CappedReader(zf.open(i), limits.member_bytes), info.file_size)


def _size_problem(size: int, compressed: int, total: int, limits: Limits) -> str | None:
    if size > limits.member_bytes:
        return f"member is {size // 2**20} MiB uncompressed, more than the {limits.member_bytes // 2**20} MiB allowed"
    if total + size > limits.total_bytes:
        return f"archive expands to more than {limits.total_bytes // 2**30} GiB; the rest is not read"
    if size > limits.ratio_floor and size > limits.ratio * max(compressed, 1):
        return f"compression ratio {size // max(compressed, 1)}:1 looks like a zip bomb; not read"
    return None


def _read_capped(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    with zf.open(info) as fh:
        return _CappedReader(fh, cap).read()


class _CappedReader(io.RawIOBase):
    """A member stream that stops with an error past `cap` bytes, whatever size the archive header claims."""

    def __init__(self, inner: IO[bytes], cap: int) -> None:
        self._inner = inner
        self._left = cap

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._inner.read(min(len(buffer), self._left + 1))
        if len(data) > self._left:
            raise OSError("member is larger than the size limit (archive header understated it)")
        self._left -= len(data)
        buffer[: len(data)] = data
        return len(data)

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            parts = []
            while True:
                part = self.read(1 << 20)
                if not part:
                    return b"".join(parts)
                parts.append(part)
        buf = bytearray(size)
        n = self.readinto(buf)
        return bytes(buf[:n])

    def close(self) -> None:
        self._inner.close()
        super().close()


def _7z_members(path_or_data: Path | bytes, display: str, limits: Limits) -> Iterator[LogSource | Skipped]:
    try:
        import py7zr
        from py7zr.io import Py7zIO, WriterFactory
    except ImportError:
        yield Skipped(display, ".7z support needs the py7zr package")
        return

    class _Capped(Py7zIO):
        def __init__(self, cap: int) -> None:
            self.buf = io.BytesIO()
            self.cap = cap
            self.overflow = False

        def write(self, s: bytes | bytearray) -> int:
            if self.buf.tell() + len(s) > self.cap:
                self.overflow = True
                return len(s)
            return self.buf.write(s)

        def read(self, size: int | None = None) -> bytes:
            return self.buf.read(size)

        def seek(self, offset: int, whence: int = 0) -> int:
            return self.buf.seek(offset, whence)

        def flush(self) -> None:
            pass

        def size(self) -> int:
            return self.buf.getbuffer().nbytes

    class _Factory(WriterFactory):
        def __init__(self) -> None:
            self.products: dict[str, _Capped] = {}

        def create(self, filename: str) -> Py7zIO:
            product = self.products[filename] = _Capped(limits.member_bytes)
            return product

    source = path_or_data if isinstance(path_or_data, Path) else io.BytesIO(path_or_data)
    try:
        with py7zr.SevenZipFile(source, mode="r") as archive:
            if archive.needs_password():
                yield Skipped(display, "password-protected .7z archive; not read")
                return
            infos = [i for i in archive.list() if not i.is_directory]
            if len(infos) > limits.members:
                yield Skipped(display, f"archive has {len(infos)} members, more than the {limits.members} allowed")
                return
            wanted, total = [], 0
            for info in infos:
                where = f"{display}!{info.filename}"
                if _unsafe_name(info.filename):
                    yield Skipped(where, "unsafe member name (absolute path or '..'); not read")
                    continue
                size = info.uncompressed or 0
                reason = _size_problem(size, info.compressed or size, total, limits) if info.compressed else (
                    _size_problem(size, size, total, limits))
                if reason:
                    yield Skipped(where, reason)
                    continue
                total += size
                wanted.append(info.filename)
            if not wanted:
                return
            factory = _Factory()
            archive.extract(targets=wanted, factory=factory)
    except Exception as exc:  # noqa: BLE001 - py7zr raises many types for damaged archives
        yield Skipped(display, f"not a readable .7z archive: {exc}")
        return
    for name in wanted:
        where = f"{display}!{name}"
        product = factory.products.get(name)
        if product is None:
            yield Skipped(where, "member could not be read from the archive")
            continue
        if product.overflow:
            yield Skipped(where, f"member is larger than {limits.member_bytes // 2**20} MiB; not read")
            continue
        data = product.buf.getvalue()
        reason = binary_reason(data[:4096])
        if reason:
            yield Skipped(where, reason)
            continue
        yield LogSource(where, lambda d=data: io.BytesIO(d), len(data))
