"""Reading compressed files without trusting them: gzip, bzip2 and xz streams decompressed chunk by chunk.

Every call to a decompressor passes a maximum output length, so a few kilobytes that inflate to gigabytes
(a "bomb") never sit in memory; the total output and the ratio of output to input are capped, and a file
that goes over is refused with the reason. A rotation cut off mid-write still gives everything before the
cut (zlib rather than the gzip module), with the damage reported.
"""

from __future__ import annotations

import bz2
import io
import lzma
import zlib
from dataclasses import dataclass, field
from typing import Any, Protocol

from acronis_triage.collectors.sniff import BZIP2, GZIP, XZ

CHUNK = 1024 * 1024
GiB = 1024**3


class Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


@dataclass
class Limits:
    """Caps for one archive taken into the bundle (all its members and nested archives together)."""

    max_total: int = 2 * GiB  # decompressed bytes read
    max_member: int = 1 * GiB
    max_members: int = 10_000
    max_ratio: int = 250  # decompressed : compressed, checked once past ratio_floor
    ratio_floor: int = 16 * 1024 * 1024
    max_depth: int = 3  # archives inside archives
    spool_max: int = 512 * 1024 * 1024  # a zip inside an archive is spooled to a temporary file to be opened
    used: int = field(default=0)
    members: int = field(default=0)

    def account(self, n: int) -> None:
        self.used += n
        if self.used > self.max_total:
            raise ArchiveRefused(f"more than {self.max_total // 2**20} MiB decompressed; the rest is left out")


class ArchiveRefused(Exception):
    """An archive (or a member) went over a cap; the message is the reason recorded in the manifest."""


def _decompressor(kind: str) -> Any:
    if kind == GZIP:
        return zlib.decompressobj(wbits=31)
    if kind == BZIP2:
        return bz2.BZ2Decompressor()
    if kind == XZ:
        return lzma.LZMADecompressor()
    raise ValueError(kind)


class DecompressingReader(io.RawIOBase):
    """A readable stream of the decompressed bytes of ``raw`` (gzip, bz2 or xz; several members in a row too).

    Raises `ArchiveRefused` past the caps. A damaged or cut-off stream ends early; ``damage`` says how.
    """

    def __init__(self, raw: Readable, kind: str, limits: Limits | None = None, *, name: str = "") -> None:
        super().__init__()
        self._raw = raw
        self.kind = kind
        self._limits = limits or Limits()
        self._name = name
        self._d = _decompressor(kind)
        self._pending = b""  # compressed bytes not yet given to the decompressor (zlib)
        self._done = False
        self.total_in = 0
        self.total_out = 0
        self.damage = ""

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = CHUNK
        size = max(1, min(size, CHUNK))
        while not self._done:
            out = self._step(size)
            if out:
                self._count(len(out))
                return out
        return b""

    def _count(self, n: int) -> None:
        self.total_out += n
        self._limits.account(n)
        if self.total_out > self._limits.max_member:
            raise ArchiveRefused(f"{self._name or 'member'} decompresses to more than "
                                 f"{self._limits.max_member // 2**20} MiB; left out")
        if (self.total_out > self._limits.ratio_floor
                and self.total_out > self._limits.max_ratio * max(1, self.total_in)):
            raise ArchiveRefused(f"{self._name or 'member'} decompresses more than {self._limits.max_ratio} "
                                 "times its size (a decompression bomb?); left out")

    def _fill(self) -> bool:
        chunk = self._raw.read(64 * 1024)
        self.total_in += len(chunk)
        self._pending += chunk
        return bool(chunk)

    def _step(self, size: int) -> bytes:
        d = self._d
        try:
            if self.kind == GZIP:
                if not self._pending and not self._fill():
                    self._finish_input()
                    return b""
                out = d.decompress(self._pending, size)
                self._pending = d.unconsumed_tail
                if d.eof:
                    self._next_member(d.unused_data)
                return out
            if d.needs_input:
                if not self._pending and not self._fill():
                    self._finish_input()
                    return b""
                data, self._pending = self._pending, b""
                out = d.decompress(data, size)
            else:
                out = d.decompress(b"", size)
            if d.eof:
                self._next_member(d.unused_data)
            return out
        except (zlib.error, OSError, EOFError, lzma.LZMAError, ValueError) as exc:
            self.damage = f"damaged {self.kind} after {self.total_out} bytes: {exc}"
            self._done = True
            return b""

    def _next_member(self, rest: bytes) -> None:
        # A rotation may hold several members one after another; NUL padding after the last is not one.
        rest = rest + self._pending if self.kind != GZIP else rest
        if not rest.strip(b"\x00"):
            more = self._raw.read(64 * 1024)
            self.total_in += len(more)
            if not more.strip(b"\x00"):
                self._done = True
                self._pending = b""
                return
            rest += more
        self._d = _decompressor(self.kind)
        self._pending = rest

    def _finish_input(self) -> None:
        self._done = True
        if not getattr(self._d, "eof", True):
            self.damage = f"{self.kind} ends early (cut off after {self.total_out} bytes)"


def count_decompressed(raw: Readable, kind: str, limits: Limits, name: str = "") -> tuple[int, bytes, str]:
    """(decompressed size, its first 64 KiB, damage) after reading the whole stream once."""
    reader = DecompressingReader(raw, kind, limits, name=name)
    head = b""
    total = 0
    while chunk := reader.read(CHUNK):
        if len(head) < 65536:
            head += chunk[: 65536 - len(head)]
        total += len(chunk)
    return total, head, reader.damage
