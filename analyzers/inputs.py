"""What ``analyze PATH...`` reads: files, folders, our bundles, any .zip (one level of nested archives), .7z and stdin.

Received archives are hostile until proven otherwise: member names are never used as paths, every container is
read as a stream under `analyzers.limits.Limits` (member size, archive size, member count, compression ratio,
decoder memory), and what cannot or should not be read becomes a `Skipped` with a reason; nothing raises.

Nested archives and .7z members (a solid .7z can only be unpacked in one pass, in order) are unpacked into one
anonymous temporary file per received archive, by offset, so memory stays flat whatever they expand to. Every
source opens its own reader whose reads never move a shared file offset (`collectors.positional_file`), so the
analyzer's forked workers can read members of one archive at the same time.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import io
import lzma
import os
import stat
import sys
import tempfile
import threading
import weakref
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import IO, Any, cast

from acronis_triage.analyzers.limits import DEFAULT_LIMITS, Limits, mib
from acronis_triage.analyzers.model import LogSource, Skipped
from acronis_triage.collectors.positional_file import PositionalFile, open_positional
from acronis_triage.collectors.textdecode import sniff_encoding

__all__ = ["ARCHIVE_SUFFIXES", "DEFAULT_LIMITS", "Limits", "binary_reason", "resolve_inputs"]

ARCHIVE_SUFFIXES = (".zip", ".7z")
_GZIP_MAGIC = b"\x1f\x8b"
_7Z_MAGIC = b"7z\xbc\xaf\x27\x1c"
_COPY_PIECE = 1024 * 1024
# What reading a damaged zip member raises (zipfile lets the decompressors' own errors through)
_MEMBER_ERRORS = (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError, EOFError, ValueError, LookupError,
                  zlib.error, lzma.LZMAError)


# The pass phrase of encrypted bundles (analyze --password-env); set around a run with `archive_password`.
_PASSWORD: contextvars.ContextVar[str | None] = contextvars.ContextVar("archive_password", default=None)


@contextlib.contextmanager
def archive_password(password: str | None) -> Iterator[None]:
    token = _PASSWORD.set(password)
    try:
        yield
    finally:
        _PASSWORD.reset(token)


def resolve_inputs(paths: list[str], *, stdin: IO[bytes] | None = None,
                   limits: Limits = DEFAULT_LIMITS) -> list[LogSource | Skipped]:
    from acronis_triage.collectors.volumes import volume_set

    out: list[LogSource | Skipped] = []
    volume_sets: set[Path] = set()
    for raw in paths:
        if raw == "-":
            out.append(_stdin_source(stdin, limits))
            continue
        path = Path(raw)
        volumes = volume_set(path) if path.is_file() else None
        if volumes is not None:  # any volume of x.7z.001, x.7z.002 ... stands for the set: read it once
            if volumes[0] in volume_sets:
                continue
            volume_sets.add(volumes[0])
            path = volumes[0]
        try:
            if path.is_dir():
                out.extend(_folder(path, limits))
            elif path.is_file():
                out.extend(_file(path, str(path), limits))
            elif path.exists():
                out.append(Skipped(raw, "not a regular file or folder (FIFO, device or socket); not opened"))
            else:
                out.append(Skipped(raw, "no such file or folder"))
        except OSError as exc:
            out.append(Skipped(raw, f"cannot read: {exc.strerror or exc}"))
        except Exception as exc:  # noqa: BLE001 - a hostile input is skipped with the reason, never a crash
            out.append(Skipped(raw, f"cannot read: {type(exc).__name__}: {exc}"))
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
        return Skipped("-", f"standard input is larger than {mib(limits.stdin_bytes)}; save it to a file")
    return LogSource("<stdin>", lambda: io.BytesIO(data), len(data), fork_safe=True)


def _folder(root: Path, limits: Limits) -> Iterator[LogSource | Skipped]:
    """Every regular file under `root`; a folder that cannot be listed, a link and a special file are listed
    as skipped with the reason (links are not followed: a received folder may point anywhere). An unpacked bundle
    of ours is read like the zip: only what was collected, not its own findings, report and forms (which quote the
    same errors again and would count each event twice or more)."""
    if (root / "manifest.json").is_file() and (root / "collected").is_dir() \
            and not (root / "collected").is_symlink():
        root = root / "collected"
    unreadable: list[Skipped] = []

    def on_error(exc: OSError) -> None:
        where = exc.filename if exc.filename is not None else root
        unreadable.append(Skipped(os.fspath(where), f"cannot read this folder: {exc.strerror or exc}"))

    for dirpath, dirnames, filenames in os.walk(root, onerror=on_error):
        yield from unreadable
        unreadable.clear()
        dirnames.sort()
        for name in list(dirnames):
            if os.path.islink(os.path.join(dirpath, name)):
                dirnames.remove(name)
                yield Skipped(os.path.join(dirpath, name), "symbolic link to a folder; not followed")
        for name in sorted(filenames):
            path = Path(dirpath, name)
            try:
                mode = path.lstat().st_mode
            except OSError as exc:
                yield Skipped(str(path), f"cannot read: {exc.strerror or exc}")
                continue
            if stat.S_ISLNK(mode):
                yield Skipped(str(path), "symbolic link; not followed")
                continue
            if not stat.S_ISREG(mode):
                yield Skipped(str(path), "not a regular file (FIFO, device or socket); not opened")
                continue
            try:
                yield from _file(path, str(path), limits)
            except OSError as exc:
                yield Skipped(str(path), f"cannot read: {exc.strerror or exc}")
            except Exception as exc:  # noqa: BLE001 - as in resolve_inputs: one hostile file never stops the rest
                yield Skipped(str(path), f"cannot read: {type(exc).__name__}: {exc}")
    yield from unreadable


def _file(path: Path, display: str, limits: Limits) -> list[LogSource | Skipped]:
    from acronis_triage.collectors.volumes import open_volumes, volume_set

    volumes = volume_set(path)
    if volumes is not None:
        # x.7z.001, x.zip.001 ...: the numbered volumes 7-Zip joins, read as one archive (the others beside it)
        if path != volumes[0]:
            return []  # the set is read once, from its first volume
        joined = open_volumes(volumes)
        head = joined.read(8)
        joined.seek(0)
        if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
            return list(_zip_members(joined, display, limits, _SpoolSlot(), nested=True))
        if head.startswith(_7Z_MAGIC):
            return list(_7z_members(joined, display, limits, _SpoolSlot()))
        joined.close()
    with open(path, "rb") as fh:
        head = fh.read(4096)
        size = os.fstat(fh.fileno()).st_size
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return list(_zip_members(open_positional(path), display, limits, _SpoolSlot(), nested=True))
    if head.startswith(_7Z_MAGIC):
        return list(_7z_members(open_positional(path), display, limits, _SpoolSlot()))
    reason = binary_reason(head)
    if reason:
        return [Skipped(display, reason)]
    return [LogSource(display, functools.partial(_open_file, path), size, fork_safe=True)]


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


# -- the spool: nested archives and 7z members, unpacked by offset into one anonymous temporary file ----------


class _Spool:
    def __init__(self) -> None:
        # lives as long as the sources that read it (their openers hold the spool), so no with-block
        self._file = tempfile.TemporaryFile(prefix="acronis-triage-", buffering=0)  # noqa: SIM115
        self._fd = self._file.fileno()
        weakref.finalize(self, self._file.close)  # when the last source that reads it is gone
        self.end = 0
        self._lock = threading.Lock()

    def write_at(self, offset: int, data: bytes | bytearray | memoryview) -> None:
        view = memoryview(data)
        while view:
            if hasattr(os, "pwrite"):
                n = os.pwrite(self._fd, view, offset)
            else:  # pragma: no cover - Windows
                with self._lock:
                    os.lseek(self._fd, offset, os.SEEK_SET)
                    n = os.write(self._fd, view)
            view = view[n:]
            offset += n

    def window(self, offset: int, length: int) -> io.BufferedReader:
        """A reader of bytes [offset, offset + length); safe to use in forked processes at the same time."""
        return io.BufferedReader(PositionalFile(self._fd, offset, length, closefd=False), buffer_size=256 * 1024)

    def opener(self, offset: int, length: int) -> Callable[[], IO[bytes]]:
        return lambda: self.window(offset, length)  # the closure keeps the spool (and its file) alive


class _SpoolSlot:
    """The spool of one received archive, made only when something has to be unpacked into it."""

    def __init__(self) -> None:
        self._spool: _Spool | None = None

    def get(self) -> _Spool:
        if self._spool is None:
            self._spool = _Spool()
        return self._spool


class _SpoolWriter:
    """Appends one member to the spool; past `cap` bytes the member is marked as overflowing and dropped."""

    def __init__(self, spool: _Spool, cap: int) -> None:
        self.spool = spool
        self.offset = spool.end
        self.length = 0
        self.cap = cap
        self.overflow = False

    def write(self, data: bytes | bytearray | memoryview) -> int:
        n = len(data)
        if self.overflow or self.length + n > self.cap:
            self.overflow = True
            return n
        self.spool.write_at(self.offset + self.length, data)
        self.length += n
        self.spool.end = max(self.spool.end, self.offset + self.length)
        return n


def _spool_member(stream: IO[bytes], slot: _SpoolSlot, cap: int) -> _SpoolWriter:
    writer = _SpoolWriter(slot.get(), cap)
    while not writer.overflow:
        piece = stream.read(_COPY_PIECE)
        if not piece:
            break
        writer.write(piece)
    return writer


# -- zip ---------------------------------------------------------------------------------------------------------


def _zip_members(fileobj: IO[bytes], display: str, limits: Limits, slot: _SpoolSlot,
                 nested: bool) -> Iterator[LogSource | Skipped]:
    password = _PASSWORD.get()
    try:
        if password:
            import pyzipper  # WinZip AES (an encrypted bundle); reads plain members as zipfile does

            zf = pyzipper.AESZipFile(fileobj)
            zf.setpassword(password.encode("utf-8"))
        else:
            zf = zipfile.ZipFile(fileobj)
    except _MEMBER_ERRORS as exc:
        fileobj.close()
        yield Skipped(display, f"not a readable zip archive: {_reason(exc)}")
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
        if info.flag_bits & 0x1 and not password:
            yield Skipped(where, "encrypted member; not read (give the pass phrase: --password-env NAME)")
            continue
        reason = _size_problem(info.file_size, info.compress_size, total, limits)
        if reason is None and info.compress_type == zipfile.ZIP_LZMA and info.file_size > limits.decoder_memory:
            reason = (f"LZMA-compressed member of {mib(info.file_size)} could need as much memory to unpack, "
                      f"more than the {mib(limits.decoder_memory)} allowed; not read")
        if reason:
            yield Skipped(where, reason)
            continue
        total += info.file_size
        try:
            with zf.open(info) as fh:
                head = fh.read(4096)
        except _MEMBER_ERRORS as exc:
            yield Skipped(where, f"cannot read this member: {_reason(exc)}")
            continue
        if head.startswith((b"PK\x03\x04", b"PK\x05\x06", _7Z_MAGIC)) or name.lower().endswith(ARCHIVE_SUFFIXES):
            yield from _nested(zf, info, head, where, limits, slot, nested)
            continue
        reason = binary_reason(head)
        if reason:
            yield Skipped(where, reason)
            continue
        yield LogSource(where, functools.partial(_open_member, zf, info, limits.member_bytes), info.file_size,
                        fork_safe=True)


def _nested(zf: zipfile.ZipFile, info: zipfile.ZipInfo, head: bytes, where: str, limits: Limits,
            slot: _SpoolSlot, nested: bool) -> Iterator[LogSource | Skipped]:
    if not nested:
        yield Skipped(where, "archive nested more than one level deep; not opened")
        return
    if info.file_size > limits.nested_bytes:
        yield Skipped(where, f"nested archive larger than {mib(limits.nested_bytes)}; not opened")
        return
    try:
        with zf.open(info) as fh:
            writer = _spool_member(fh, slot, limits.nested_bytes)
    except _MEMBER_ERRORS as exc:
        yield Skipped(where, f"cannot unpack this nested archive: {_reason(exc)}")
        return
    if writer.overflow:
        yield Skipped(where, f"nested archive larger than {mib(limits.nested_bytes)}; not opened")
        return
    inner = writer.spool.window(writer.offset, writer.length)
    if head.startswith(_7Z_MAGIC):
        yield from _7z_members(inner, where, limits, slot)
    else:
        yield from _zip_members(inner, where, limits, slot, nested=False)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def _size_problem(size: int, compressed: int, total: int, limits: Limits) -> str | None:
    if size > limits.member_bytes:
        return f"member is {size // 2**20} MiB uncompressed, more than the {mib(limits.member_bytes)} allowed"
    if total + size > limits.total_bytes:
        return f"archive expands to more than {limits.total_bytes // 2**30} GiB; the rest is not read"
    if size > limits.ratio_floor and size > limits.ratio * max(compressed, 1):
        return f"compression ratio {size // max(compressed, 1)}:1 looks like a zip bomb; not read"
    return None


def _open_file(path: Path) -> IO[bytes]:
    return open(path, "rb")


def _open_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> IO[bytes]:
    return cast("IO[bytes]", _CappedReader(zf.open(info), cap))  # a raw stream, read like a binary file


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
            parts: list[bytes] = []
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


# -- 7z ----------------------------------------------------------------------------------------------------------

_LZMA2, _LZMA, _PPMD = b"\x21", b"\x03\x01\x01", b"\x03\x04\x01"


def _decoder_memory(folder: Any, unpacked: int) -> int:
    """The memory the folder's decoders may use: an LZMA dictionary is filled only as far as the output goes,
    a PPMd model takes what its header asks for."""
    need = 0
    for coder in getattr(folder, "coders", None) or ():
        method = bytes(coder.get("method") or b"")
        props = bytes(coder.get("properties") or b"")
        if method == _LZMA2 and props:
            p = props[0] & 0x3F
            size = 0xFFFFFFFF if p >= 40 else (2 | (p & 1)) << (p // 2 + 11)
            need = max(need, min(size, unpacked))
        elif method == _LZMA and len(props) >= 5:
            need = max(need, min(int.from_bytes(props[1:5], "little"), unpacked))
        elif method == _PPMD and len(props) >= 5:
            need = max(need, int.from_bytes(props[1:5], "little"))
    return need


def _folder_problems(archive: Any, limits: Limits) -> dict[int, str]:
    """id(folder) -> why none of its members is read. A solid folder is one compressed stream: its packed and
    unpacked sizes are known even where a member's compressed size is not."""
    streams = getattr(archive.header, "main_streams", None)
    if streams is None:
        return {}
    folders = streams.unpackinfo.folders
    positions = streams.packinfo.packpositions
    out: dict[int, str] = {}
    for i, folder in enumerate(folders):
        packed = positions[i + 1] - positions[i] if i + 1 < len(positions) else 0
        unpacked = int(folder.get_unpack_size())
        if unpacked > limits.total_bytes:
            out[id(folder)] = (f"compressed block expands to {unpacked // 2**20} MiB, more than the "
                               f"{limits.total_bytes // 2**30} GiB allowed; not read")
        elif unpacked > limits.ratio_floor and unpacked > limits.ratio * max(packed, 1):
            out[id(folder)] = (f"compressed block expands {unpacked // max(packed, 1)}:1 ({mib(packed)} to "
                               f"{unpacked // 2**20} MiB), which looks like a decompression bomb; not read")
        else:
            memory = _decoder_memory(folder, unpacked)
            if memory > limits.decoder_memory:
                out[id(folder)] = (f"unpacking would need {memory // 2**20} MiB of memory, more than the "
                                   f"{mib(limits.decoder_memory)} allowed; not read")
    return out


def _7z_members(fileobj: IO[bytes], display: str, limits: Limits, slot: _SpoolSlot) -> Iterator[LogSource | Skipped]:
    try:
        import py7zr
        from py7zr.io import Py7zIO, WriterFactory
    except ImportError:
        fileobj.close()
        yield Skipped(display, ".7z support needs the py7zr package")
        return

    class _Member(Py7zIO):
        """Writes one member straight into the spool; py7zr never holds it in memory."""

        def __init__(self, writer: _SpoolWriter) -> None:
            self.writer = writer

        def write(self, s: bytes | bytearray) -> int:
            return self.writer.write(s)

        def read(self, size: int | None = None) -> bytes:
            return b""

        def seek(self, offset: int, whence: int = 0) -> int:
            return 0

        def flush(self) -> None:
            pass

        def size(self) -> int:
            return self.writer.length

    class _Factory(WriterFactory):
        def __init__(self) -> None:
            self.products: dict[str, _SpoolWriter] = {}
            self.order: list[str] = []

        def create(self, filename: str) -> Py7zIO:
            writer = _SpoolWriter(slot.get(), limits.member_bytes)
            self.products[filename] = writer
            self.order.append(filename)
            return _Member(writer)

    skipped: list[Skipped] = []
    wanted: dict[str, int] = {}  # name -> declared size
    factory = _Factory()
    failure: str | None = None
    try:
        # A file object, not a path: py7zr then unpacks folders one after another in this thread
        password = _PASSWORD.get()
        with py7zr.SevenZipFile(fileobj, mode="r", password=password or None) as archive:
            if archive.needs_password() and not password:
                yield Skipped(display, "password-protected .7z archive; not read (give the pass phrase: "
                              "--password-env NAME)")
                return
            members = [f for f in archive.files if not f.is_directory]
            if len(members) > limits.members:
                yield Skipped(display, f"archive has {len(members)} members, more than the {limits.members} allowed")
                return
            blocked = _folder_problems(archive, limits)
            total = 0
            # our bundle as a .7z (collect --format 7z): only what was collected, as for the zip
            bundle = _is_our_bundle({m.filename for m in members})
            for member in members:
                name = member.filename
                where = f"{display}!{name}"
                if bundle and not name.startswith("collected/"):
                    continue
                size = int(member.uncompressed or 0)
                folder = member.folder
                if _unsafe_name(name):
                    skipped.append(Skipped(where, "unsafe member name (absolute path or '..'); not read"))
                elif member.is_symlink or member.is_junction or member.is_socket:
                    skipped.append(Skipped(where, "link or special file inside the archive; not read"))
                elif folder is not None and id(folder) in blocked:
                    skipped.append(Skipped(where, blocked[id(folder)]))
                elif name in wanted:
                    skipped.append(Skipped(where, "a second member with the same name; not read"))
                else:
                    reason = _size_problem(size, int(member.compressed or size), total, limits) \
                        if member.compressed else _size_problem(size, size, total, limits)
                    if reason:
                        skipped.append(Skipped(where, reason))
                    else:
                        total += size
                        wanted[name] = size
            if wanted:
                # py7zr's own cap as well: what it may unpack in all, even if a header understates a size
                archive.max_extract_size = sum(
                    int(f.get_unpack_size()) for f in {id(m.folder): m.folder for m in members
                                                       if m.filename in wanted and m.folder is not None}.values()
                ) + 1
                archive.extract(targets=list(wanted), factory=factory)
    except Exception as exc:  # noqa: BLE001 - py7zr raises many types for damaged archives
        if not factory.order and not wanted:
            yield Skipped(display, f"not a readable .7z archive: {_reason(exc)}")
            return
        failure = _reason(exc)
    yield from skipped
    # the member being unpacked when it failed is not trusted, and nothing after it was unpacked
    trusted = factory.order[:-1] if failure else factory.order
    for name, size in wanted.items():
        where = f"{display}!{name}"
        writer = factory.products.get(name) if name in trusted else None
        if writer is None:
            why = f"could not be unpacked: {failure}" if failure else "member could not be read from the archive"
            yield Skipped(where, why)
            continue
        if writer.overflow or writer.length != size:
            yield Skipped(where, f"member is not the {size} bytes its header says; not read")
            continue
        with writer.spool.window(writer.offset, min(writer.length, 4096)) as fh:
            head = fh.read()
        reason = binary_reason(head)
        if reason:
            yield Skipped(where, reason)
            continue
        yield LogSource(where, writer.spool.opener(writer.offset, writer.length), writer.length, fork_safe=True)
