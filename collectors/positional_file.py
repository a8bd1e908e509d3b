"""Read-only files whose reads never move the operating system's file offset.

A forked process shares its parent's open file descriptions, offset included: two processes reading one zip
through an inherited handle (``seek`` then ``read``) interleave their positions and get each other's bytes
("Error -3 while decompressing", bad CRCs). A `PositionalFile` keeps its position in the Python object (which
fork copies) and reads with ``os.pread``, so a zip opened through one can be read by a parent and its forked
children at the same time. It also serves a window of a file (an archive spooled inside a temporary file).
"""

from __future__ import annotations

import io
import os
import threading
from typing import Any

_HAS_PREAD = hasattr(os, "pread")
_seek_lock = threading.Lock()  # only where os.pread is missing (Windows, which has no fork either)


class PositionalFile(io.RawIOBase):
    """Bytes ``[base, base + length)`` of the open descriptor `fd` (to its end when `length` is None)."""

    def __init__(self, fd: int, base: int = 0, length: int | None = None, *, closefd: bool = True,
                 name: str | None = None) -> None:
        super().__init__()
        self._fd = fd
        self._base = base
        self._length = length
        self._pos = 0
        self._closefd = closefd
        if name is not None:
            self.name = name

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._fd

    def _size(self) -> int:
        size = max(0, os.fstat(self._fd).st_size - self._base)
        return size if self._length is None else min(size, self._length)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            pos = offset
        elif whence == io.SEEK_CUR:
            pos = self._pos + offset
        elif whence == io.SEEK_END:
            pos = self._size() + offset
        else:
            raise ValueError(f"invalid whence {whence}")
        if pos < 0:
            raise OSError(22, "negative seek position")
        self._pos = pos
        return pos

    def tell(self) -> int:
        return self._pos

    def readinto(self, buffer: Any) -> int:
        want = len(buffer)
        if self._length is not None:
            want = max(0, min(want, self._length - self._pos))
        if want == 0:
            return 0
        where = self._base + self._pos
        if _HAS_PREAD:
            data = os.pread(self._fd, want, where)
        else:  # pragma: no cover - Windows
            with _seek_lock:
                os.lseek(self._fd, where, os.SEEK_SET)
                data = os.read(self._fd, want)
        n = len(data)
        buffer[:n] = data
        self._pos += n
        return n

    def close(self) -> None:
        if not self.closed and self._closefd:
            os.close(self._fd)
        super().close()


def open_positional(path: str | os.PathLike[str], buffer_size: int = 256 * 1024) -> io.BufferedReader:
    """`path` opened for reading through a `PositionalFile` (safe to share with forked processes)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        raw = PositionalFile(fd, name=os.fspath(path))
    except BaseException:
        os.close(fd)
        raise
    return io.BufferedReader(raw, buffer_size=buffer_size)
