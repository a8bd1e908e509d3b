"""What a file holds, from its first and last bytes: text (to redact), an archive (to open), or binary.

Binary is decided only when sure: a known binary signature, or many control bytes among the bytes that are not
NUL. A log whose first kilobytes are NUL bytes (common after a power loss: the file was extended but never
written) is text, and so is a file of nothing but NULs: redacting it costs nothing, copying a text file raw
could leak what is in it.
"""

from __future__ import annotations

import os
from typing import IO

from acronis_triage.collectors.textdecode import sniff_encoding

SAMPLE = 64 * 1024

ZIP, GZIP, BZIP2, XZ, TAR, SEVENZIP, RAR, ZSTD = "zip", "gzip", "bz2", "xz", "tar", "7z", "rar", "zstd"
OPENED = (ZIP, GZIP, BZIP2, XZ, TAR)  # redacted member by member
NOT_OPENED = (SEVENZIP, RAR, ZSTD)  # left out with the reason: their text cannot be redacted here

_ARCHIVE_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", ZIP), (b"PK\x05\x06", ZIP), (b"\x1f\x8b", GZIP), (b"\xfd7zXZ\x00", XZ),
    (b"7z\xbc\xaf\x27\x1c", SEVENZIP), (b"Rar!\x1a\x07", RAR), (b"\x28\xb5\x2f\xfd", ZSTD),
)
# Formats that are binary whatever bytes follow (databases, event logs, dumps, executables, images, keys).
_BINARY_MAGIC: tuple[bytes, ...] = (
    b"SQLite format 3\x00", b"ElfFile\x00", b"\x7fELF", b"MZ", b"MDMP", b"regf", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"\x30\x82",
)
_CONTROL = bytes(b for b in range(1, 32) if b not in (9, 10, 11, 12, 13, 27)) + b"\x7f"


def archive_kind(head: bytes) -> str | None:
    """The archive or compression format of content starting with ``head``, or None."""
    for magic, kind in _ARCHIVE_MAGIC:
        if head.startswith(magic):
            return kind
    if head.startswith(b"BZh") and head[3:4].isdigit() and head[4:10] == b"1AY&SY":
        return BZIP2
    if len(head) >= 262 and head[257:262] == b"ustar":
        return TAR
    return None


def looks_binary(sample: bytes) -> bool:
    """True only for content that is clearly not text (see the module's docstring)."""
    if sample.startswith(_BINARY_MAGIC):
        return True
    start = len(sample) - len(sample.lstrip(b"\x00"))
    if sniff_encoding(sample[start - start % 2:][:4096]).startswith("utf-16"):
        return False
    data = sample.replace(b"\x00", b"")
    if len(data) < 64:
        return False
    control = len(data) - len(data.translate(None, _CONTROL))
    if control * 20 > len(data):
        return True
    high = len(data) - len(data.translate(None, bytes(range(128, 256))))
    if high * 10 > len(data) * 3:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            return exc.start < len(data) - 4
    return False


def sample_of(handle: IO[bytes], size: int | None = None) -> bytes:
    """The first and last ``SAMPLE`` bytes of an open file; its position is kept."""
    pos = handle.tell()
    try:
        handle.seek(0)
        head = handle.read(SAMPLE)
        if size is None:
            size = os.fstat(handle.fileno()).st_size
        if size > 2 * SAMPLE:
            handle.seek(size - SAMPLE)
            return head + handle.read(SAMPLE)
        return head + handle.read(SAMPLE)  # the rest of a file of up to two samples
    finally:
        handle.seek(pos)
