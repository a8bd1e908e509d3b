"""What leaves the machine: the verified zip turned into the format the ticket needs, as a step after it is written.

The plain zip (``collectors.bundle``) stays the source of truth and the default. From it this module writes:

- ``--format 7z``: the same members and manifest in a .7z (py7zr, LZMA2 preset 1: measured about ten times
  faster than the default preset 6 for a few percent in size, see benchmarks/export.py);
- ``--password``: AES-256, for a .zip through pyzipper (WinZip AE-2, which 7-Zip and Windows tools that support
  AES open), for a .7z natively with its headers encrypted too (not even the file names can be read);
- ``--split SIZE``: numbered volumes (``x.7z.001`` ...) that 7-Zip joins, written straight into the volumes;
- a ``.sha256`` file (``sha256sum -c`` format) beside the bundle and beside each volume.

Everything is built inside a private folder beside the final name and renamed into place only once it has been
read back and every member checked against the manifest's sha256: a full disk, a wrong option or a crash leaves
nothing under a final name, and the folder is removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from acronis_triage.collectors.bundle import MIN_FREE_BYTES, DiskFull, _give_to_invoking_user
from acronis_triage.collectors.volumes import VolumeWriter, volume_name

SEVEN_ZIP_PRESET = 1
CHUNK = 1024 * 1024
MIN_SPLIT = 4 * 1024  # smaller volumes help no ticket system; MAX_VOLUMES caps their number
ZIP_LEVEL = 6

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b?)\s*$", re.IGNORECASE)
_CASE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class ExportError(Exception):
    """The bundle could not be exported; the message is the one line the user sees."""


def parse_size(text: str) -> int:
    """``25M`` -> 26214400. K, M, G, T are powers of 1024 (as 7-Zip's ``-v25m``); ``25MB`` and ``25MiB`` too."""
    m = _SIZE.match(text or "")
    if m is None:
        raise ValueError(f"not a size: {text!r} (examples: 25M, 500K, 2G)")
    value = float(m.group(1)) * 1024 ** " kmgt".index((m.group(2) or " ").lower())
    size = int(value)
    if size < MIN_SPLIT:
        raise ValueError(f"volumes of {text} are too small: at least {MIN_SPLIT // 1024}K")
    return size


def check_case_id(text: str) -> str:
    """A case or ticket ID as it may stand in a file name on any system: letters, digits, ``.``, ``_``, ``-``."""
    if not _CASE_ID.match(text or "") or ".." in text:
        raise ValueError(f"case ID {text!r}: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter "
                         "or digit (for example 01234567 or CASE-2024-0042)")
    return text


@dataclass(frozen=True)
class ExportOptions:
    format: str = "zip"
    password: str | None = None  # from --password-env or a prompt, never from the command line
    split: int | None = None  # bytes per volume

    @property
    def plain(self) -> bool:
        """The verified zip as it is: no step after it."""
        return self.format == "zip" and not self.password and not self.split

    @property
    def suffix(self) -> str:
        return ".7z" if self.format == "7z" else ".zip"

    def describe(self) -> dict[str, Any]:
        """What the manifest records: never the pass phrase."""
        return {"format": self.format, "encrypted": bool(self.password), "split_bytes": self.split}


def give_to_user(fd: int) -> None:
    """Mode and owner of every file the export writes: the bundle's rule (see collectors.bundle)."""
    _give_to_invoking_user(fd)


def private_file(fd: int) -> None:
    """The pseudonym map: readable by its owner only (0600), owned by the user who ran sudo."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        os.fchmod(fd, 0o600)
    if os.geteuid() == 0:
        try:
            uid, gid = int(os.environ["SUDO_UID"]), int(os.environ["SUDO_GID"])
        except (KeyError, ValueError):
            return
        with contextlib.suppress(OSError):
            os.fchown(fd, uid, gid)


def staging_folder(final: Path) -> Path:
    """A private folder beside the final name for everything the run writes before the end."""
    return Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".export", dir=final.parent))


def remove_staging(folder: Path | None) -> None:
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def sha256_of(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(CHUNK):
            sha.update(block)
    return sha.hexdigest()


def check_space(folder: Path, needed: int, disk_usage: Callable[[str], Any] = shutil.disk_usage) -> None:
    try:
        free = disk_usage(str(folder)).free
    except OSError:
        return
    if free - needed < MIN_FREE_BYTES:
        raise DiskFull(f"not enough free space in {folder}: {free // 2**20} MiB free, the export needs about "
                       f"{needed // 2**20} MiB and {MIN_FREE_BYTES // 2**20} MiB must stay free; "
                       "choose another output folder")


# ---- writing


class _KnownSizeReader(io.BufferedIOBase):
    """A zip member for py7zr, which asks a stream's size by seeking to its end and back: the size is known
    from the zip, so that costs nothing here (a ZipExtFile would decompress the member twice to answer)."""

    def __init__(self, inner: IO[bytes], size: int) -> None:
        super().__init__()
        self._inner = inner
        self._size = size
        self._pos = 0
        self._at_end = False

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._size if self._at_end else self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_END and offset == 0:
            self._at_end = True
            return self._size
        if whence == io.SEEK_SET and offset == self._pos:
            self._at_end = False
            return self._pos
        raise io.UnsupportedOperation("only the size can be asked of this stream")

    def read(self, size: int | None = -1) -> bytes:
        data = self._inner.read(-1 if size is None else size)
        self._pos += len(data)
        return data

    def read1(self, size: int = -1) -> bytes:
        return self.read(size)


def _members(stage: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    # The manifest first: a reader (or a person with a partial download) finds what the bundle holds at once.
    infos = stage.infolist()
    return sorted(infos, key=lambda i: i.filename != "manifest.json")


def _write_7z(stage: zipfile.ZipFile, target: IO[bytes], password: str | None) -> None:
    import py7zr

    filters: list[dict[str, int]] = [{"id": py7zr.FILTER_LZMA2, "preset": SEVEN_ZIP_PRESET}]
    if password:
        filters.append({"id": py7zr.FILTER_CRYPTO_AES256_SHA256})
    with py7zr.SevenZipFile(target, "w", filters=filters, password=password or None,
                            header_encryption=bool(password)) as archive:
        for info in _members(stage):
            if info.is_dir():
                continue
            with stage.open(info) as member:
                archive.writef(_KnownSizeReader(member, info.file_size), info.filename)


def _write_aes_zip(stage: zipfile.ZipFile, target: IO[bytes], password: str) -> None:
    import pyzipper

    with pyzipper.AESZipFile(target, "w", compression=pyzipper.ZIP_DEFLATED, compresslevel=ZIP_LEVEL,
                             encryption=pyzipper.WZ_AES) as out:
        out.setpassword(password.encode("utf-8"))
        out.setencryption(pyzipper.WZ_AES, nbits=256)
        for info in _members(stage):
            zinfo = out.zipinfo_cls(info.filename, date_time=info.date_time)
            zinfo.compress_type = pyzipper.ZIP_DEFLATED
            with stage.open(info) as src, out.open(zinfo, "w", force_zip64=info.file_size > 2**31) as dst:
                shutil.copyfileobj(src, dst, CHUNK)


def _copy(stage_path: Path, target: IO[bytes]) -> None:
    with open(stage_path, "rb") as src:
        shutil.copyfileobj(src, target, CHUNK)


@dataclass
class Exported:
    """What an export left in the output folder."""

    bundle: Path  # the bundle, or the first volume of a split one
    files: list[Path]  # the bundle or its volumes, in order
    checksums: list[Path]  # the .sha256 files
    sha256: str  # of the whole archive (the volumes joined)
    size: int


def export_bundle(stage_path: Path, final: Path, options: ExportOptions, work: Path, *,
                  disk_usage: Callable[[str], Any] = shutil.disk_usage) -> Exported:
    """Write ``final`` (or its volumes) from the verified zip ``stage_path``, inside ``work`` first.

    Raises `DiskFull` or `ExportError`; nothing is left under a final name then (``work`` is the caller's to
    remove). ``stage_path`` may be renamed into place (plain zip, no volumes), so it is gone afterwards.
    """
    from acronis_triage.app.inspect import BundleProblem, verify_archive

    size = stage_path.stat().st_size
    check_space(final.parent, 0 if options.plain else size, disk_usage)
    built = work / final.name
    volumes: VolumeWriter | None = None
    try:
        if options.plain:
            built = stage_path
        else:
            target: Any
            if options.split:
                volumes = VolumeWriter(work, final.name, options.split, on_create=give_to_user)
                target = volumes
            else:
                fd = os.open(built, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
                give_to_user(fd)
                target = os.fdopen(fd, "w+b", buffering=CHUNK)
            with target:
                if options.format == "7z":
                    with zipfile.ZipFile(stage_path) as stage:
                        _write_7z(stage, target, options.password)
                elif options.password:
                    with zipfile.ZipFile(stage_path) as stage:
                        _write_aes_zip(stage, target, options.password)
                else:
                    _copy(stage_path, target)
                target.flush()
    except OSError as exc:
        if exc.errno == 28:  # ENOSPC
            raise DiskFull(f"the disk of {final.parent} is full: the export stopped; choose another output "
                           "folder") from exc
        raise ExportError(f"could not write the {options.format} bundle: {exc.strerror or exc}") from exc
    except DiskFull:
        raise
    except Exception as exc:
        raise ExportError(f"could not write the {options.format} bundle: {type(exc).__name__}: {exc}") from exc
    pieces = volumes.paths if volumes is not None else [built]
    if not options.plain:  # the plain zip was verified as it was finished
        try:
            verify_archive(pieces, options.password)
        except BundleProblem as exc:
            raise ExportError(f"the {options.format} bundle did not verify: {exc}") from exc
    return _place(pieces, final, options, work)


def write_checksum(bundle: Path) -> Path:
    """``bundle.sha256`` beside a bundle finished in place (the plain zip), written whole, then renamed."""
    target = bundle.with_name(bundle.name + ".sha256")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=bundle.parent)
    try:
        give_to_user(fd)
        with os.fdopen(fd, "w", encoding="ascii", newline="\n") as fh:
            fh.write(f"{sha256_of(bundle)}  {bundle.name}\n")
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return target


def _place(pieces: list[Path], final: Path, options: ExportOptions, work: Path) -> Exported:
    """Checksums written, then everything renamed into the output folder; on any failure, what was placed is
    removed again."""
    whole = hashlib.sha256()
    sums: list[tuple[Path, str]] = []
    for piece in pieces:
        sha = hashlib.sha256()
        with open(piece, "rb") as fh:
            while block := fh.read(CHUNK):
                sha.update(block)
                whole.update(block)
        sums.append((piece, sha.hexdigest()))
    total = sum(p.stat().st_size for p in pieces)
    split = options.split is not None
    final_names = [final.parent / (volume_name(final.name, i) if split else final.name) for i in range(len(pieces))]
    checksum_files: list[tuple[Path, str]] = [(final.parent / (name.name + ".sha256"), f"{digest}  {name.name}\n")
                                              for name, (_p, digest) in zip(final_names, sums, strict=True)]
    if split:
        # the joined archive too: what 7-Zip (or `cat x.7z.0* > x.7z`) rebuilds can be checked against it
        checksum_files.append((final.parent / (final.name + ".sha256"), f"{whole.hexdigest()}  {final.name}\n"))
    staged_sums = []
    for target, text in checksum_files:
        tmp = work / target.name
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o600)
        give_to_user(fd)
        with os.fdopen(fd, "w", encoding="ascii", newline="\n") as fh:
            fh.write(text)
        staged_sums.append((tmp, target))
    placed: list[Path] = []
    try:
        for src, dst in [*zip(pieces, final_names, strict=True), *staged_sums]:
            os.replace(src, dst)
            placed.append(dst)
    except OSError as exc:
        for path in placed:
            with contextlib.suppress(OSError):
                path.unlink()
        raise ExportError(f"could not move the bundle into {final.parent}: {exc.strerror or exc}") from exc
    if split:
        _remove_stale_volumes(final, len(pieces))
    return Exported(final_names[0], final_names, [t for _s, t in staged_sums], whole.hexdigest(), total)


def _remove_stale_volumes(final: Path, count: int) -> None:
    # An earlier split of the same name into more volumes would be joined with this one: x.7z.004 of the old
    # set after x.7z.003 of the new one. Those are this tool's own outputs under this very name.
    n = count
    while True:
        stale = final.parent / volume_name(final.name, n)
        if not stale.exists():
            return
        with contextlib.suppress(OSError):
            stale.unlink()
        with contextlib.suppress(OSError):
            (stale.parent / (stale.name + ".sha256")).unlink()
        n += 1


def write_private(path: Path, data: bytes, work: Path) -> None:
    """A small file (the pseudonym map) written whole under a temporary name, 0600, then renamed into place."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=work)
    try:
        private_file(fd)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def iter_chunks(handle: IO[bytes]) -> Iterator[bytes]:
    while block := handle.read(CHUNK):
        yield block
