"""Deflating the bundle's members, and reading them back for the analysis.

A member is deflated into a `Spool` (memory, then an anonymous temporary file) by the thread that reads its source,
outside the bundle lock; one past `BLOCK` is deflated in blocks on a thread pool (`_Blocks`, pigz's way), so that
both cores work on a big log while its reader redacts the next bytes. zlib-ng when installed (the same format,
about twice zlib's speed), zlib otherwise. `open_member` reads a finished member back, inflated by the same library.
"""

from __future__ import annotations

import collections
import io
import shutil
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import IO, Any

from acronis_triage.collectors.positional_file import PositionalFile

# zlib-ng: the same deflate format and API as zlib, at the same level about twice as fast and no bigger (on
# benchmarks/collect.py's drive: 87 against 39 MB/s at level 6, 26.2 against 26.5 % of the size); it lets go of
# the interpreter lock like zlib, and has crc32_combine, which the parallel blocks need. Imported by name so that
# the portable build (PyInstaller) finds it.
try:
    from zlib_ng import zlib_ng as _zlib_ng
except ImportError:  # pragma: no cover - a platform without its wheel: the standard zlib, same bytes format
    _zlib_ng = None  # type: ignore[assignment]
_zlib: Any = _zlib_ng if _zlib_ng is not None else zlib
if _zlib_ng is not None:
    _crc32_combine: Callable[[int, int, int], int] | None = _zlib_ng.crc32_combine
    # zlib-ng's level 5 gives the size zlib's level 6 (zip -6's) does: 53.8 against 53.7 MB on the collected
    # logs of benchmarks/collect.py's 400 MB drive, at 76 against 39 MB/s (its level 6: 52.8 MB, 56 MB/s).
    DEFAULT_LEVEL = 5
else:  # pragma: no cover
    _crc32_combine = None
    DEFAULT_LEVEL = 6
_crc32 = _zlib.crc32

CHUNK = 1024 * 1024  # what is read, copied or inflated at a time
# Compressed bytes a member keeps in memory before its spool moves to a temporary file: small members (the
# vast majority) never touch the disk twice, and four workers hold at most a few MiB each.
SPOOL_IN_MEMORY = 2 * 1024 * 1024
# A member longer than this is deflated in blocks of this size on the writer's pool (see `_Blocks`): large enough
# that a block's setup and its sync flush (a few bytes) do not count, small enough to keep both cores busy on a
# 20 MB log.
BLOCK = 1024 * 1024
WINDOW = 32 * 1024  # deflate's window: what each block is primed with
LOCAL_HEADER = struct.Struct("<4s22xHH")  # a zip local header: signature, then the name's and extra's lengths


class Spool:
    """One member's deflated bytes, built outside the bundle lock by the thread that reads its source.

    Raw deflate (what a zip member holds) with its CRC-32 and sizes, so the finished member is appended to
    the archive with a single local header and one copy, no seek back and no flush per member.

    A member that grows past `BLOCK` is deflated in blocks on the writer's pool (`_Blocks`), while the reading
    thread goes on redacting the next bytes; a smaller one (nearly all of them) in the reading thread, at once.
    """

    def __init__(self, folder: Path, prefix: str, level: int, size_hint: int | None = None,
                 pool: Callable[[], Executor] | None = None) -> None:
        self._folder = folder
        self._prefix = prefix
        self._level = level
        self._size_hint = size_hint
        self._pool = pool
        self._raw: list[bytes] = []  # input not yet handed to a deflater: less than BLOCK of it
        self._raw_len = 0
        self._blocks: _Blocks | None = None
        self._parts: list[bytes] = []
        self._held = 0
        self._file: IO[bytes] | None = None
        self.crc = 0
        self.size = 0
        self.compressed = 0

    def write(self, data: bytes) -> None:
        if not data:
            return
        self.size += len(data)
        self._raw.append(data)
        self._raw_len += len(data)
        if self._raw_len >= BLOCK:
            if self._blocks is None:
                self._blocks = _Blocks(self._level, self._pool() if self._pool is not None else None)
            data = b"".join(self._raw) if len(self._raw) > 1 else self._raw[0]
            self._raw, self._raw_len = [], 0
            for at in range(0, len(data) - BLOCK + 1, BLOCK):
                for out in self._blocks.submit(data[at:at + BLOCK]):
                    self._keep(out)
            rest = len(data) % BLOCK
            if rest:
                self._raw, self._raw_len = [data[-rest:]], rest

    def finish(self) -> None:
        data = b"".join(self._raw) if len(self._raw) != 1 else self._raw[0]
        self._raw, self._raw_len = [], 0
        if self._blocks is None:
            deflate = _deflater(self._level, self._size_hint)
            self.crc = _crc32(data)
            self._keep(deflate.compress(data))
            self._keep(deflate.flush())
            return
        for out in self._blocks.finish(data):
            self._keep(out)
        self.crc = self._blocks.crc

    def _keep(self, out: bytes) -> None:
        if not out:
            return
        self.compressed += len(out)
        if self._file is not None:
            self._file.write(out)
            return
        self._parts.append(out)
        self._held += len(out)
        if self._held > SPOOL_IN_MEMORY:
            # Anonymous where the system allows it (O_TMPFILE, delete-on-close): nothing to clean up after a
            # crash, and nothing a collector walking the output folder could pick up.
            self._file = tempfile.TemporaryFile(  # noqa: SIM115 - closed by close(), after the append
                dir=self._folder, prefix=self._prefix, suffix=".spool")
            self._file.writelines(self._parts)
            self._parts, self._held = [], 0

    def copy_to(self, target: Any) -> None:
        if self._file is None:
            target.write(b"".join(self._parts) if len(self._parts) != 1 else self._parts[0])
            return
        self._file.seek(0)
        shutil.copyfileobj(self._file, target, CHUNK)

    def close(self) -> None:
        self._parts = []
        self._raw = []
        if self._blocks is not None:
            self._blocks.drop()
        if self._file is not None:
            self._file.close()
            self._file = None


class _Blocks:
    """pigz's way to deflate one stream on several cores: blocks of `BLOCK` bytes deflated each on its own, each
    primed with the 32 KiB before it (so matches reach back as far as in one stream) and ended with a sync flush
    (so it ends on a byte boundary); the last ends the stream. Their concatenation is one valid raw deflate
    stream. zlib lets go of the interpreter lock while it deflates, so the blocks go on in parallel with each
    other and with the redaction of what comes next. The CRC-32 of each block is computed with its deflate and
    combined in order. At most `AHEAD` blocks per member wait for a worker: memory stays bounded."""

    AHEAD = 4

    def __init__(self, level: int, pool: Executor | None) -> None:
        self._level = level
        self._pool = pool
        self._pending: collections.deque[Future[tuple[bytes, int, int]]] = collections.deque()
        self._window = b""
        self.crc = 0

    def submit(self, data: bytes, last: bool = False) -> list[bytes]:
        """Hand one block over; returns the deflated blocks that are ready, in order."""
        window, self._window = self._window, data[-WINDOW:]
        if _crc32_combine is None:  # without zlib-ng: the CRC here, in order
            self.crc = _crc32(data, self.crc)
        future: Future[tuple[bytes, int, int]] | None = None
        if self._pool is not None:
            try:
                future = self._pool.submit(_deflate_block, data, window, self._level, last)
            except RuntimeError:  # the pool is shut down: a collector still writing after the collection phase
                self._pool = None
        self._pending.append(future or _done(_deflate_block(data, window, self._level, last)))
        ready = []
        while len(self._pending) > self.AHEAD or (self._pending and self._pending[0].done()):
            ready.append(self._take())
        return ready

    def finish(self, data: bytes) -> list[bytes]:
        """The last block (maybe empty); returns every deflated block not returned yet."""
        ready = self.submit(data, last=True)
        while self._pending:
            ready.append(self._take())
        return ready

    def _take(self) -> bytes:
        out, crc, size = self._pending.popleft().result()
        if _crc32_combine is not None:
            self.crc = _crc32_combine(self.crc, crc, size)
        return out

    def drop(self) -> None:
        for future in self._pending:
            future.cancel()
        self._pending.clear()


def _deflate_block(data: bytes, window: bytes, level: int, last: bool) -> tuple[bytes, int, int]:
    deflate = (_zlib.compressobj(level, _zlib.DEFLATED, -15, 8, _zlib.Z_DEFAULT_STRATEGY, window) if window
               else _zlib.compressobj(level, _zlib.DEFLATED, -15))
    out = deflate.compress(data) + deflate.flush(_zlib.Z_FINISH if last else _zlib.Z_SYNC_FLUSH)
    return out, _crc32(data) if _crc32_combine is not None else 0, len(data)


def _done(value: tuple[bytes, int, int]) -> Future[tuple[bytes, int, int]]:
    future: Future[tuple[bytes, int, int]] = Future()
    future.set_result(value)
    return future


def _deflater(level: int, size_hint: int | None) -> Any:
    # zlib's defaults (32 KiB window, memLevel 8) allocate ~256 KiB per stream, and a fresh allocation that
    # size costs more than deflating a 1 KiB log. A window and hash no larger than the member give the same
    # bytes out (nothing can refer further back than the data goes) at a fraction of the setup; a member that
    # outgrows its hint (a log still being written) only compresses a little less well.
    if size_hint is None or size_hint >= 1 << 15:
        return _zlib.compressobj(level, _zlib.DEFLATED, -15)
    bits = max(9, size_hint.bit_length())
    return _zlib.compressobj(level, _zlib.DEFLATED, -bits, max(1, bits - 6))


def open_member(reader: zipfile.ZipFile, fd: int, name: str) -> IO[bytes]:
    info = reader.getinfo(name)
    if info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 0x1:
        return reader.open(info)
    return io.BufferedReader(MemberReader(fd, info), CHUNK)


class MemberReader(io.RawIOBase):
    """A deflated member of the archive, inflated by zlib-ng (about twice zlib's speed: the analysis reads every
    collected member back whole), its CRC-32 and size checked at the end as ``ZipFile.open`` checks them.
    Reads are positional (``fd`` is shared with forked analysis workers)."""

    def __init__(self, fd: int, info: zipfile.ZipInfo) -> None:
        super().__init__()
        self._info = info
        header = PositionalFile(fd, info.header_offset, LOCAL_HEADER.size, closefd=False).read(LOCAL_HEADER.size)
        if header is None or len(header) != LOCAL_HEADER.size:
            raise zipfile.BadZipFile(f"{info.filename}: truncated local header")
        magic, name_len, extra_len = LOCAL_HEADER.unpack(header)
        if magic != b"PK\x03\x04":
            raise zipfile.BadZipFile(f"{info.filename}: bad local header")
        self._data = PositionalFile(fd, info.header_offset + LOCAL_HEADER.size + name_len + extra_len,
                                    info.compress_size, closefd=False)
        self._left = info.compress_size
        self._input = b""
        self._inflate = _zlib.decompressobj(-15)
        self._crc = 0
        self._size = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        want = len(buffer)
        if want == 0:
            return 0
        while True:
            if self._inflate.eof:
                self._check()
                return 0
            if not self._input and self._left:
                self._input = self._data.read(min(self._left, 256 * 1024)) or b""
                if not self._input:
                    raise zipfile.BadZipFile(f"{self._info.filename}: truncated data")
                self._left -= len(self._input)
            try:
                out = self._inflate.decompress(self._input, want)
            except _zlib.error as exc:
                raise zipfile.BadZipFile(f"{self._info.filename}: damaged data ({exc})") from exc
            self._input = self._inflate.unconsumed_tail
            if out:
                n = len(out)
                buffer[:n] = out
                self._crc = _crc32(out, self._crc)
                self._size += n
                return n
            if not self._input and not self._left and not self._inflate.eof:
                raise zipfile.BadZipFile(f"{self._info.filename}: compressed data ends early")

    def _check(self) -> None:
        if self._crc != self._info.CRC or self._size != self._info.file_size:
            raise zipfile.BadZipFile(f"Bad CRC-32 for file {self._info.filename!r}")
