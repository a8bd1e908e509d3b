"""Checking a bundle: a finished one against its manifest (`verify_bundle`), one just written against what was
written into it (`verify_written`)."""

from __future__ import annotations

import hashlib
import json
import os
import struct
import zipfile
import zlib
from pathlib import Path
from typing import IO, Any

from acronis_triage.collectors.bundle_deflate import CHUNK, LOCAL_HEADER


class BundleError(Exception):
    """The bundle could not be written or verified."""


def verify_bundle(path: Path) -> dict[str, Any]:
    """Check a finished bundle: readable, every member listed in the manifest with a matching sha256.

    Returns the manifest. Raises `BundleError` with the first problem found.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            try:
                manifest = json.loads(zf.read("manifest.json"))
            except KeyError as exc:
                raise BundleError(f"{path.name}: no manifest.json") from exc
            listed = {f["path"]: f for f in manifest.get("files", [])}
            infos = [i for i in zf.infolist() if i.filename != "manifest.json"]
            for info in infos:
                if info.filename not in listed:
                    raise BundleError(f"{path.name}: {info.filename} is not listed in manifest.json")
            with open(path, "rb", buffering=CHUNK) as raw:
                # In archive order through one buffered handle: members of 1 KiB cost a buffer slice each,
                # not an open, a seek and a header read through ZipFile.open (most of the time with 100,000).
                for info in sorted(infos, key=lambda i: i.header_offset):
                    if _member_sha256(raw, info) != listed[info.filename]["sha256"]:
                        raise BundleError(f"{path.name}: {info.filename} does not match its sha256 in manifest.json")
            missing = set(listed) - {i.filename for i in infos}
            if missing:
                raise BundleError(f"{path.name}: manifest.json lists missing files: {sorted(missing)[:3]}")
            return manifest
    except (zipfile.BadZipFile, OSError, zlib.error, EOFError, ValueError, struct.error, NotImplementedError,
            RuntimeError) as exc:  # what zipfile's parsers raise on damage (found by hypothesis, see the tests)
        raise BundleError(f"{path.name} is not a readable zip: {exc}") from exc


def verify_written(path: Path, expected: dict[str, tuple[int, int, int]], manifest: bytes) -> None:
    """Check an archive just written against what was written into it, without inflating the members.

    ``expected``: name -> (CRC-32, size, compressed size) of every member but ``manifest.json``, whose bytes are
    ``manifest``. The central directory is read back from disk and must list exactly these members with these
    values; each local header must be where the directory says, name the same member and leave room for its
    data before the next one; the manifest is inflated and must equal ``manifest``. Raises `BundleError`.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = [i.filename for i in infos]
            if len(set(names)) != len(names):
                raise BundleError(f"{path.name}: a member is listed twice in the central directory")
            found = set(names) - {"manifest.json"}
            if found != set(expected) or "manifest.json" not in names:
                wrong = sorted(found ^ set(expected)) or ["manifest.json"]
                raise BundleError(f"{path.name}: the central directory does not list what was written: {wrong[:3]}")
            for info in infos:
                if info.filename == "manifest.json":
                    continue
                if (info.CRC, info.file_size, info.compress_size) != expected[info.filename]:
                    raise BundleError(f"{path.name}: {info.filename}: CRC or sizes differ from what was written")
                if info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 0x1:
                    raise BundleError(f"{path.name}: {info.filename}: unexpected compression method or flags")
            _check_local_headers(path, sorted(infos, key=lambda i: i.header_offset), zf.start_dir)
            if zf.read("manifest.json") != manifest:
                raise BundleError(f"{path.name}: manifest.json reads back different from what was written")
    except (zipfile.BadZipFile, OSError, zlib.error, EOFError, ValueError, struct.error, NotImplementedError,
            RuntimeError) as exc:
        raise BundleError(f"{path.name} is not a readable zip: {exc}") from exc


def _check_local_headers(path: Path, infos: list[zipfile.ZipInfo], directory_at: int) -> None:
    """Each member's local header, in archive order: where the central directory says, with the member's name,
    its data ending before the next header (or the central directory)."""
    with open(path, "rb", buffering=64 * 1024) as raw:
        for info, following in zip(infos, [*(i.header_offset for i in infos[1:]), directory_at], strict=True):
            raw.seek(info.header_offset)
            header = raw.read(LOCAL_HEADER.size)
            if len(header) != LOCAL_HEADER.size:
                raise zipfile.BadZipFile(f"{info.filename}: truncated local header")
            magic, name_len, extra_len = LOCAL_HEADER.unpack(header)
            if magic != b"PK\x03\x04" or raw.read(name_len) != info.orig_filename.encode("utf-8"):
                raise zipfile.BadZipFile(f"{info.filename}: bad local header")
            end = info.header_offset + LOCAL_HEADER.size + name_len + extra_len + info.compress_size
            if end > following:
                raise zipfile.BadZipFile(f"{info.filename}: its data runs into the next member")


def _member_sha256(raw: IO[bytes], info: zipfile.ZipInfo) -> str:
    """sha256 of one member's content, its CRC-32 and size checked as ZipFile.open would."""
    sha = hashlib.sha256()
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or info.flag_bits & 0x1:
        # A bundle is never encrypted and only ever stored or deflated: anything else is damage.
        raise zipfile.BadZipFile(f"{info.filename}: unexpected compression method or encryption flag")
    raw.seek(info.header_offset)
    header = raw.read(LOCAL_HEADER.size)
    if len(header) != LOCAL_HEADER.size:
        raise zipfile.BadZipFile(f"{info.filename}: truncated local header")
    magic, name_len, extra_len = LOCAL_HEADER.unpack(header)
    if magic != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"{info.filename}: bad local header")
    raw.seek(name_len + extra_len, os.SEEK_CUR)
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    crc = size = 0
    left = info.compress_size
    while left:
        block = raw.read(min(left, CHUNK))
        if not block:
            raise zipfile.BadZipFile(f"{info.filename}: truncated data")
        left -= len(block)
        while block:
            if inflater is None:
                out, block = block, b""
            else:
                # Bounded output: a damaged or hostile member never inflates into memory all at once.
                out = inflater.decompress(block, CHUNK)
                block = inflater.unconsumed_tail
            crc = zlib.crc32(out, crc)
            size += len(out)
            sha.update(out)
    if inflater is not None:
        out = inflater.flush()
        crc, size = zlib.crc32(out, crc), size + len(out)
        sha.update(out)
        if not inflater.eof:
            raise zipfile.BadZipFile(f"{info.filename}: compressed data ends early")
    if crc != info.CRC or size != info.file_size:
        raise zipfile.BadZipFile(f"{info.filename}: CRC or size does not match (damaged)")
    return sha.hexdigest()
