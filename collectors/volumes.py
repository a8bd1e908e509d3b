"""Numbered volumes that 7-Zip joins: ``x.7z.001``, ``x.7z.002`` ... are the bytes of one archive, cut in order.

7-Zip (and ``cat x.7z.0* > x.7z``) joins them back, for any archive inside: that is why the same cut serves a
.zip and a .7z. `VolumeWriter` is a seekable file that writes straight into the volumes (an archive writer
seeks back to finish its headers), so no joined copy is ever on disk; `open_volumes` reads a set as one file,
with positional reads, so forked readers can share it as they share a plain archive.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import Any

_NUMBERED = re.compile(r"^(?P<base>.+)\.(?P<n>\d{3,})$")
MAX_VOLUMES = 9999


def volume_name(base: str, index: int) -> str:
    """``x.7z`` and 0 -> ``x.7z.001`` (three digits, as 7-Zip numbers them, more past 999)."""
    return f"{base}.{index + 1:03d}"


def volume_set(path: Path) -> list[Path] | None:
    """The volumes of the set ``path`` belongs to, in order, when ``path`` is a first volume (``*.001``) or
    any numbered volume of a set that starts at ``.001``; None for a path that is not one."""
    m = _NUMBERED.match(path.name)
    if m is None:
        return None
    width = len(m.group("n"))
    first = path.with_name(f"{m.group('base')}.{1:0{width}d}")
    if not first.is_file():
        return None
    out = []
    n = 1
    while n <= MAX_VOLUMES:
        candidate = path.with_name(f"{m.group('base')}.{n:0{width}d}")
        if not candidate.is_file():
            break
        out.append(candidate)
        n += 1
    return out


class VolumeWriter(io.RawIOBase):
    """A write-and-seek file whose bytes land in volumes of ``size`` bytes: ``folder/base.001`` ...

    Volumes are created as they are reached. ``on_create(fd)`` runs for each new one (mode and owner).
    """

    def __init__(self, folder: Path, base: str, size: int, on_create: Any = None) -> None:
        super().__init__()
        if size <= 0:
            raise ValueError("volume size must be positive")
        self.folder = folder
        self.base = base
        self.size = size
        self._on_create = on_create
        self._fds: list[int] = []
        self._pos = 0
        self._end = 0
        self._count = 0  # volumes made, still known after close

    @property
    def paths(self) -> list[Path]:
        return [self.folder / volume_name(self.base, i) for i in range(self._count)]

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            pos = offset
        elif whence == io.SEEK_CUR:
            pos = self._pos + offset
        elif whence == io.SEEK_END:
            pos = self._end + offset
        else:
            raise ValueError(f"invalid whence {whence}")
        if pos < 0:
            raise OSError(22, "negative seek position")
        self._pos = pos
        return pos

    def _fd(self, index: int) -> int:
        while len(self._fds) <= index:
            if len(self._fds) >= MAX_VOLUMES:
                raise OSError(27, f"more than {MAX_VOLUMES} volumes: choose a larger --split size")
            path = self.folder / volume_name(self.base, len(self._fds))
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
            if self._on_create is not None:
                self._on_create(fd)
            self._fds.append(fd)
            self._count += 1
        return self._fds[index]

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        total = len(view)
        while view:
            index, offset = divmod(self._pos, self.size)
            n = min(len(view), self.size - offset)
            fd = self._fd(index)
            written = os.pwrite(fd, view[:n], offset) if hasattr(os, "pwrite") else _seek_write(fd, view[:n], offset)
            view = view[written:]
            self._pos += written
        self._end = max(self._end, self._pos)
        return total

    def readinto(self, buffer: Any) -> int:
        # py7zr reads back what it wrote (the start header's CRC); only the bytes written so far are there
        want = min(len(buffer), max(0, self._end - self._pos))
        got = 0
        while got < want:
            index, offset = divmod(self._pos, self.size)
            n = min(want - got, self.size - offset)
            data = os.pread(self._fd(index), n, offset)
            if not data:
                break
            buffer[got:got + len(data)] = data
            got += len(data)
            self._pos += len(data)
        return got

    def truncate(self, size: int | None = None) -> int:
        return self._end

    def flush(self) -> None:
        pass

    def fsync(self) -> None:
        for fd in self._fds:
            os.fsync(fd)

    def close(self) -> None:
        if not self.closed:
            fds, self._fds = self._fds, []
            for fd in fds:
                os.close(fd)
        super().close()


def _seek_write(fd: int, data: memoryview, offset: int) -> int:  # pragma: no cover - Windows has no pwrite
    os.lseek(fd, offset, os.SEEK_SET)
    return os.write(fd, data)


class VolumeReader(io.RawIOBase):
    """Read-only view of a set of volumes as one file; reads never move a shared offset (``os.pread``)."""

    def __init__(self, paths: list[Path]) -> None:
        super().__init__()
        self._fds: list[int] = []
        self._starts: list[int] = []
        total = 0
        try:
            for path in paths:
                fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0))
                self._fds.append(fd)
                self._starts.append(total)
                total += os.fstat(fd).st_size
        except BaseException:
            for fd in self._fds:
                os.close(fd)
            raise
        self._size = total
        self._pos = 0
        self.name = os.fspath(paths[0]) if paths else ""

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}.get(whence)
        if base is None:
            raise ValueError(f"invalid whence {whence}")
        if base + offset < 0:
            raise OSError(22, "negative seek position")
        self._pos = base + offset
        return self._pos

    def readinto(self, buffer: Any) -> int:
        want = min(len(buffer), max(0, self._size - self._pos))
        got = 0
        while got < want:
            index = _volume_at(self._starts, self._pos)
            offset = self._pos - self._starts[index]
            data = _pread(self._fds[index], want - got, offset)
            if not data:
                break
            buffer[got:got + len(data)] = data
            got += len(data)
            self._pos += len(data)
        return got

    def close(self) -> None:
        if not self.closed:
            for fd in self._fds:
                os.close(fd)
            self._fds = []
        super().close()


def _volume_at(starts: list[int], pos: int) -> int:
    import bisect

    return max(0, bisect.bisect_right(starts, pos) - 1)


def _pread(fd: int, n: int, offset: int) -> bytes:
    if hasattr(os, "pread"):
        return os.pread(fd, n, offset)
    os.lseek(fd, offset, os.SEEK_SET)  # pragma: no cover - Windows
    return os.read(fd, n)  # pragma: no cover


def open_volumes(paths: list[Path], buffer_size: int = 256 * 1024) -> io.BufferedReader:
    return io.BufferedReader(VolumeReader(paths), buffer_size=buffer_size)
