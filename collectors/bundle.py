"""The bundle: one ZIP64 file streamed under a temporary name, verified, then renamed to its final name.

Layout::

    manifest.json                 every other file, with size, sha256, source and collector
    collected/<collector>/...     what the collectors gathered
    analysis/findings.json        what the analyzers found
    report.html
    escalation/escalation_form.{json,md,html}

Writers for many collectors share one archive; members are written one at a time under a lock, each
streamed through sha256, the secret redactor and the size cap. A full disk, a cancel or a crash never
leaves a file under the final name.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import functools
import hashlib
import io
import json
import os
import shutil
import tempfile
import threading
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from collectors.base import Cancelled
from collectors.cancel import CancelToken
from collectors.redact import Redactor
from collectors.runner import CommandResult
from collectors.sniff import NOT_OPENED, OPENED, ZIP, archive_kind, looks_binary, sample_of
from collectors.textdecode import sniff_encoding

CHUNK = 1024 * 1024
LOOKBACK = 64 * 1024  # read above a tail cut so that a secret begun there (a PEM key) is still masked below it
BINARY_NOTE = "binary content: copied as it is, not redacted"
DEFAULT_FILE_CAP = 25 * 1024 * 1024  # sos's default: the tail of a log is what matters
DEFAULT_STRUCTURED_CAP = 100 * 1024 * 1024
MIN_FREE_BYTES = 64 * 1024 * 1024  # never fill the customer's disk to the last byte
FREE_SPACE_CHECK_EVERY = 8 * 1024 * 1024

DiskUsage = Callable[[str], Any]


class DiskFull(Exception):
    """The target volume ran out of room; the bundle cannot be completed."""


class BundleError(Exception):
    """The bundle could not be written or verified."""


@dataclass
class FileRecord:
    """One member of the bundle, as listed in ``manifest.json``."""

    path: str
    size: int
    sha256: str
    source: str
    collector: str
    truncated: bool = False
    original_size: int | None = None
    kind: str = "file"  # file | command | generated
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["collector"] = self.collector or None  # generated files (analysis, report) belong to no collector
        return {k: v for k, v in data.items() if v not in (None, "") or k == "collector"}


@dataclass
class SkipRecord:
    what: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"what": self.what, "reason": self.reason}


class _HashingSink:
    """Counts, hashes and watches free space for bytes going into one archive member."""

    def __init__(self, target: io.RawIOBase | Any, writer: BundleWriter, cancel: CancelToken | None) -> None:
        self.target = target
        self.writer = writer
        self.cancel = cancel
        self.sha = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        if self.cancel is not None:
            self.cancel.raise_if_cancelled()
        self.writer._account(len(data))
        try:
            self.target.write(data)
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                raise DiskFull(self.writer.disk_full_message()) from exc
            raise
        self.sha.update(data)
        self.size += len(data)


class BundleWriter:
    """Owns the temporary archive and the list of members; one per run.

    Args:
        final_path: where the finished bundle goes; nothing is written there until it is verified.
        redactor: the secret-stripping step applied to text members.
        disk_usage: ``shutil.disk_usage``; injectable so tests can simulate a full disk.
        min_free: stop writing when less than this is left on the target volume.
    """

    def __init__(
        self,
        final_path: Path,
        *,
        redactor: Redactor | None = None,
        disk_usage: DiskUsage = shutil.disk_usage,
        min_free: int = MIN_FREE_BYTES,
        compresslevel: int = 6,
    ) -> None:
        self.final_path = Path(final_path)
        self.redactor = redactor or Redactor()
        self._disk_usage = disk_usage
        self._min_free = min_free
        self._compresslevel = compresslevel
        self._lock = threading.RLock()
        self._zip: zipfile.ZipFile | None = None
        self.part_path: Path | None = None
        self.records: list[FileRecord] = []
        self._names: set[str] = set()
        self._since_check = 0
        self._written = 0

    # ---- lifecycle

    def open(self) -> None:
        folder = self.final_path.parent
        if not folder.is_dir():
            raise BundleError(f"output folder {folder} does not exist")
        self.check_free_space(0)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.final_path.name}.", suffix=".part", dir=folder)
        os.close(fd)
        self.part_path = Path(tmp)
        self._zip = zipfile.ZipFile(
            self.part_path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=self._compresslevel,
            allowZip64=True,
        )

    def reopen_for_append(self) -> None:
        """Close the collection phase so it can be read back (analysis), then keep appending."""
        with self._lock:
            assert self._zip is not None
            self._zip.close()
            self._zip = zipfile.ZipFile(
                self.part_path, "a", compression=zipfile.ZIP_DEFLATED, compresslevel=self._compresslevel,
                allowZip64=True,
            )

    @contextlib.contextmanager
    def collected_members(self) -> Iterator[list[tuple[FileRecord, Callable[[], IO[bytes]]]]]:
        """(record, opener) for each collected member, valid inside the ``with`` block.

        Openers read the archive, not the source: analysis sees exactly what the bundle holds.
        """
        with self._lock:
            assert self.part_path is not None
            records = [r for r in self.records if r.path.startswith("collected/")]
        with zipfile.ZipFile(self.part_path, "r") as reader:
            yield [(rec, functools.partial(reader.open, rec.path)) for rec in records]

    def finalize(self, manifest: dict[str, Any]) -> Path:
        """Write the manifest, close, verify every member against it, and rename into place."""
        with self._lock:
            assert self._zip is not None and self.part_path is not None
            manifest = {**manifest, "files": [r.to_json() for r in self.records]}
            data = json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8")
            self._account(len(data))
            try:
                self._zip.writestr("manifest.json", data)
                self._zip.close()
            except OSError as exc:
                if exc.errno == errno.ENOSPC:
                    raise DiskFull(self.disk_full_message()) from exc
                raise
            self._zip = None
        verify_bundle(self.part_path)
        os.replace(self.part_path, self.final_path)
        self.part_path = None
        return self.final_path

    def abort(self) -> None:
        """Drop the temporary archive. Safe to call at any time, more than once."""
        with self._lock:
            if self._zip is not None:
                try:
                    self._zip.close()
                except Exception:  # noqa: BLE001 - the file is deleted next; its state does not matter
                    pass
                self._zip = None
            if self.part_path is not None:
                try:
                    self.part_path.unlink()
                except OSError:
                    pass
                self.part_path = None

    # ---- space

    def check_free_space(self, needed: int) -> None:
        try:
            free = self._disk_usage(str(self.final_path.parent)).free
        except OSError:
            return
        if free - needed < self._min_free:
            raise DiskFull(self.disk_full_message(free))

    def disk_full_message(self, free: int | None = None) -> str:
        if free is None:
            try:
                free = self._disk_usage(str(self.final_path.parent)).free
            except OSError:
                free = 0
        return (
            f"not enough free space in {self.final_path.parent}: {free // (1024 * 1024)} MiB free, "
            f"{self._min_free // (1024 * 1024)} MiB must stay free; choose another output folder"
        )

    def _account(self, n: int) -> None:
        self._since_check += n
        self._written += n
        if self._since_check >= FREE_SPACE_CHECK_EVERY:
            self._since_check = 0
            self.check_free_space(0)

    # ---- members

    def _unique(self, name: str) -> str:
        name = name.replace("\\", "/").lstrip("/")
        if name not in self._names:
            self._names.add(name)
            return name
        stem, dot, ext = name.rpartition(".")
        if not dot or "/" in ext:
            stem, ext = name, ""
        n = 2
        while True:
            candidate = f"{stem}~{n}.{ext}" if ext else f"{stem}~{n}"
            if candidate not in self._names:
                self._names.add(candidate)
                return candidate
            n += 1

    def write_member(
        self,
        name: str,
        produce: Callable[[_HashingSink], None],
        *,
        source: str,
        collector: str,
        kind: str = "file",
        cancel: CancelToken | None = None,
        original_size: int | None = None,
    ) -> FileRecord:
        """Stream one member; ``produce`` writes into the sink. Returns its manifest record."""
        with self._lock:
            if self._zip is None:
                raise Cancelled("the bundle is closed")
            arcname = self._unique(name)
            info = zipfile.ZipInfo(arcname)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.date_time = _zip_now()
            record = FileRecord(arcname, 0, "", source, collector, kind=kind, original_size=original_size)
            with self._zip.open(info, "w", force_zip64=True) as handle:
                sink = _HashingSink(handle, self, cancel)
                try:
                    produce(sink)
                except Cancelled:
                    record.truncated = True
                    record.note = "stopped early: cancelled"
                except OSError as exc:
                    if exc.errno == errno.ENOSPC:
                        raise DiskFull(self.disk_full_message()) from exc
                    record.truncated = True
                    record.note = f"read failed part-way: {exc.strerror or exc}"
            record.size = sink.size
            record.sha256 = sink.sha.hexdigest()
            if record.note == "" and getattr(sink, "truncated", False):
                record.truncated = True
            self.records.append(record)
            return record

    def add_generated(self, name: str, data: bytes | str, source: str = "acronis-triage") -> FileRecord:
        payload = data.encode("utf-8") if isinstance(data, str) else data
        return self.write_member(
            name, lambda sink: sink.write(payload), source=source, collector="", kind="generated"
        )

    def for_collector(self, collector: str, cancel: CancelToken) -> ArtifactWriter:
        return ArtifactWriter(self, collector, cancel)


@dataclass
class ArtifactWriter:
    """What a collector sees of the bundle: everything lands under ``collected/<collector>/``."""

    bundle: BundleWriter
    collector: str
    cancel: CancelToken
    skipped: list[SkipRecord] = field(default_factory=list)
    excluded: list[SkipRecord] = field(default_factory=list)
    partial_reasons: list[str] = field(default_factory=list)
    closed: bool = False

    def _name(self, name: str) -> str:
        # a secret in a file name (password=x.log) is masked in the member path, and so in the manifest
        name = self.bundle.redactor.redact_name(name.replace(chr(92), "/").lstrip("/"))
        return f"collected/{self.collector}/{name}"

    def _shown(self, text: str) -> str:
        """A source path, command or reason as recorded in the manifest, with any secret in it masked."""
        return self.bundle.redactor.redact_name(text)

    def _check(self) -> None:
        if self.closed:
            raise Cancelled("the collector's time is over")
        self.cancel.raise_if_cancelled()

    def skip(self, what: str, reason: str) -> None:
        """Record something that was looked for and not taken, with the reason (shown in the manifest)."""
        self.skipped.append(SkipRecord(self._shown(what), self._shown(reason)))

    def exclude(self, what: str, reason: str) -> None:
        """Record something left out on purpose (outside the time window, not wanted): not a failure."""
        self.excluded.append(SkipRecord(self._shown(what), self._shown(reason)))

    def mark_partial(self, reason: str) -> None:
        self.partial_reasons.append(self._shown(reason))

    def add_bytes(self, name: str, data: bytes, *, source: str, redact: bool = True,
                  kind: str = "file") -> FileRecord:
        self._check()
        if redact:
            data = self.bundle.redactor.redact_bytes(data, sniff_encoding(data[:4096]))
        return self.bundle.write_member(
            self._name(name), lambda sink: sink.write(data), source=self._shown(source), collector=self.collector,
            kind=kind, cancel=self.cancel,
        )

    def add_text(self, name: str, text: str, *, source: str, redact: bool = True) -> FileRecord:
        if redact:
            text = self.bundle.redactor.redact_text(text)
        return self.add_bytes(name, text.encode("utf-8"), source=source, redact=False)

    def add_json(self, name: str, data: Any, *, source: str) -> FileRecord:
        return self.add_text(name, json.dumps(data, indent=2, ensure_ascii=False, default=str), source=source)

    def add_command(self, name: str, result: CommandResult, *, redact: bool = True) -> FileRecord | None:
        """Store a command's output with a self-describing header; stderr goes beside it if there is any.

        A command that could not run is recorded as a skip, not as an empty file.
        """
        if result.error and not result.stdout:
            self.skip(result.command, result.error)
            return None
        if result.timed_out:
            self.mark_partial(f"{result.command}: {result.describe()}")
        header = (
            f"# command: {result.command}\n# result: {result.describe()}; {result.duration_s:.2f} s"
            f"{'; output truncated' if result.truncated else ''}\n"
            + (f"# ran: {result.started_utc} on {_WHO}\n" if result.started_utc else "")
            + "\n"
        ).encode()
        body = result.stdout
        if redact:
            header = self.bundle.redactor.redact_bytes(header)  # the command line can hold a password
            body = self.bundle.redactor.redact_bytes(body, sniff_encoding(body[:4096]))
        rec = self.add_bytes(name, header + body if not _is_utf16(body) else body, source=result.command,
                             redact=False, kind="command")
        rec.truncated = rec.truncated or result.truncated or result.timed_out
        if result.stderr.strip():
            self.add_bytes(name + ".stderr", result.stderr, source=result.command, kind="command")
        return rec

    def add_zip_redacted(self, path: Path, name: str | None = None, *, display: str | None = None) -> FileRecord | None:
        """Copy a zip another program made, with the text inside it redacted; never cut."""
        from collectors.zip_redact import copy_zip_redacted

        self._check()
        source = display or str(path)
        redactor = self.bundle.redactor
        try:
            if not zipfile.is_zipfile(path):
                return self.add_file(path, name, display=display, structured=True)

            report_box: list[Any] = []
            rec = self.bundle.write_member(
                self._name(name or path.name),
                lambda sink: report_box.append(copy_zip_redacted(path, sink, redactor, _text_copier(redactor))),
                source=self._shown(source), collector=self.collector, cancel=self.cancel,
            )
        except (OSError, zipfile.BadZipFile) as exc:
            self.skip(source, f"cannot read the zip: {exc}")
            return None
        if report_box:
            self._archive_report(source, rec, report_box[0])
        return rec

    def _archive_report(self, source: str, rec: FileRecord, report: Any) -> None:
        for member, reason in report.skipped:
            self.exclude(f"{source}: {member}", reason)
        for member, damage in report.damaged:
            self.mark_partial(f"{source}: {member}: {damage}")
        rec.note = report.note()

    def add_archive(self, path: Path, name: str | None = None, *, display: str | None = None,
                    max_bytes: int = DEFAULT_FILE_CAP) -> FileRecord | None:
        """An archive or compressed file, opened so that nothing in it leaves unredacted.

        zip: copied as a zip with every member redacted. gzip/bzip2/xz holding text: stored decompressed
        (``mms.3.log.gz`` -> ``mms.3.log``), redacted, keeping the tail like a text log. A compressed tar:
        converted to a zip of redacted members (``old.tar.gz`` -> ``old.tar.zip``). 7z, rar, zstd: left out with
        the reason, as their text cannot be redacted here.
        """
        from collectors.archives import ArchiveRefused, Limits, count_decompressed
        from collectors.zip_redact import decompressed_name

        self._check()
        source = display or str(path)
        target = name or path.name
        try:
            with open(path, "rb") as handle:
                kind = archive_kind(handle.read(512))
        except OSError as exc:
            self.skip(source, f"cannot read: {exc.strerror or exc}")
            return None
        if kind in NOT_OPENED:
            self.exclude(source, f"{kind} archive: not opened here, so its text cannot be redacted; left out")
            return None
        if kind == ZIP:
            return self.add_zip_redacted(path, target, display=display)
        if kind not in OPENED:
            return self.add_file(path, target, display=display, max_bytes=max_bytes)
        redactor = self.bundle.redactor
        if kind == "tar":
            return self._add_converted(path, None, target, source)
        try:
            with open(path, "rb") as raw:
                total, head, damage = count_decompressed(raw, kind, Limits(), name=source)
        except ArchiveRefused as exc:
            self.exclude(source, str(exc))
            return None
        except OSError as exc:
            self.skip(source, f"cannot read: {exc.strerror or exc}")
            return None
        if total == 0 and damage:
            self.skip(source, damage)
            return None
        inner = archive_kind(head)
        if inner is not None:
            return self._add_converted(path, kind, decompressed_name(target, kind), source)
        if looks_binary(head):
            rec = self.add_file(path, target, display=display, structured=True, redact=False)
            if rec is not None:
                rec.note = f"{BINARY_NOTE} ({kind}-compressed)"
            return rec
        encoding = _explicit_utf16(_text_encoding(head), head)
        truncated = total > max_bytes
        start = total - max_bytes if truncated else 0
        if encoding.startswith("utf-16"):
            start += start % 2

        def produce(sink: _HashingSink) -> None:
            from collectors.archives import DecompressingReader

            with open(path, "rb") as raw:
                reader = DecompressingReader(raw, kind, Limits(), name=source)
                lookback = _discard(reader, start, LOOKBACK)
                stream: Any = reader
                if truncated:
                    stream = _AfterLine(reader, encoding)
                _copy_redacted(stream, sink, encoding, redactor, truncated, lookback=lookback)

        rec = self.bundle.write_member(
            self._name(decompressed_name(target, kind)), produce, source=self._shown(source),
            collector=self.collector, cancel=self.cancel, original_size=total if truncated else None,
        )
        notes = [f"decompressed from {self._shown(path.name)}"]
        if truncated:
            rec.truncated = True
            notes.append(f"kept the last {rec.size} of {total} bytes")
        if damage:
            rec.truncated = True
            notes.append(damage)
            self.mark_partial(f"{source}: {damage}")
        rec.note = "; ".join(notes)
        return rec

    def _add_converted(self, path: Path, kind: str | None, target: str, source: str) -> FileRecord | None:
        """A tar (maybe compressed) as a zip of its redacted members, under ``<target>.zip``."""
        from collectors.archives import DecompressingReader, Limits
        from collectors.zip_redact import copy_stream_redacted

        redactor = self.bundle.redactor
        report_box: list[Any] = []

        def produce(sink: _HashingSink) -> None:
            limits = Limits()
            with open(path, "rb") as raw:
                stream: Any = raw if kind is None else DecompressingReader(raw, kind, limits, name=source)
                report_box.append(copy_stream_redacted(target, stream, sink, redactor, _text_copier(redactor),
                                                       limits))

        try:
            rec = self.bundle.write_member(self._name(target + ".zip"), produce, source=self._shown(source),
                                           collector=self.collector, cancel=self.cancel)
        except OSError as exc:
            self.skip(source, f"cannot read: {exc.strerror or exc}")
            return None
        if report_box:
            self._archive_report(source, rec, report_box[0])
            rec.note = f"archive converted to zip; {rec.note}"
        return rec

    def add_file(
        self,
        path: Path,
        name: str | None = None,
        *,
        display: str | None = None,
        max_bytes: int = DEFAULT_FILE_CAP,
        structured: bool = False,
        redact: bool = True,
    ) -> FileRecord | None:
        """Copy a file into the bundle.

        Text logs over ``max_bytes`` keep their tail (from a line start) and are flagged ``truncated``.
        Structured files (XML, JSON, databases, event logs) are never cut: they are taken whole, or skipped
        with the reason when larger than the structured cap. Unreadable or locked files become skips.
        """
        self._check()
        source = display or str(path)
        target = name or path.name
        try:
            size = path.stat().st_size
        except OSError as exc:
            self.skip(source, f"cannot read: {exc.strerror or exc}")
            return None
        if structured and size > DEFAULT_STRUCTURED_CAP:
            self.skip(source, f"structured file of {size // (1024 * 1024)} MiB is over the cap; not cut")
            return None
        try:
            handle = open(path, "rb")  # noqa: SIM115 - closed in finally below
        except OSError as exc:
            reason = "locked by another program" if getattr(exc, "winerror", None) == 32 else (
                f"cannot read: {exc.strerror or exc}")
            self.skip(source, reason)
            return None
        try:
            head = handle.read(4096)
            if redact and archive_kind(head) is not None:
                # archives are opened, never copied with their secrets inside
                handle.close()
                return self.add_archive(path, name, display=display, max_bytes=max_bytes)
            sample = sample_of(handle, size)
            binary = not redact or looks_binary(sample)
            encoding = _text_encoding(sample) if not binary else sniff_encoding(head)
            truncated = not structured and size > max_bytes
            start = 0
            if truncated:
                start = size - max_bytes
                if encoding.startswith("utf-16"):
                    start += start % 2
            handle.seek(start)

            def produce(sink: _HashingSink) -> None:
                if truncated:
                    _skip_partial_line(handle, encoding)
                # Structured files are redacted too (configs hold passwords), never cut; binary ones pass as is.
                if not binary:
                    _copy_redacted(handle, sink, _explicit_utf16(encoding, head), self.bundle.redactor, start > 0)
                else:
                    while chunk := handle.read(CHUNK):
                        sink.write(chunk)

            rec = self.bundle.write_member(
                self._name(target), produce, source=self._shown(source), collector=self.collector,
                cancel=self.cancel, original_size=size if truncated else None,
            )
        finally:
            handle.close()
        if binary and redact:
            rec.note = BINARY_NOTE
        if truncated:
            rec.truncated = True
            rec.note = rec.note or f"kept the last {max_bytes // (1024 * 1024)} MiB of {size // (1024 * 1024)} MiB"
        return rec


def _who() -> str:
    # Get-NetView's self-describing outputs: who ran the command where, so a file read alone still says so.
    import getpass
    import socket

    try:
        user = getpass.getuser()
    except (OSError, KeyError):
        user = "unknown user"
    return f"{socket.gethostname()} as {user}"


_WHO = _who()


class _PlainSink:
    """`_copy_redacted` writes to a sink with ``write``; a plain file handle is one."""

    def __init__(self, handle: Any) -> None:
        self.write = handle.write


def _explicit_utf16(encoding: str, head: bytes) -> str:
    # "utf-16" means a BOM we have already seen; decoding from the middle of the file needs the byte order.
    if encoding == "utf-16":
        return "utf-16-be-bom" if head.startswith(codecs.BOM_UTF16_BE) else "utf-16-le-bom"
    return encoding


def _text_encoding(sample: bytes) -> str:
    from collectors.zip_redact import text_encoding

    return text_encoding(sample)


def _text_copier(redactor: Redactor) -> Callable[[Any, Any, str, bytes], None]:
    def copy_text(src: Any, dst: Any, encoding: str, head: bytes) -> None:
        _copy_redacted(src, _PlainSink(dst), _explicit_utf16(encoding, head), redactor, False)

    return copy_text


def _discard(reader: Any, start: int, keep: int) -> bytes:
    """Read and drop ``start`` bytes of a stream; return the last ``keep`` of them (to prime the redactor)."""
    tail = b""
    left = start
    while left > 0:
        chunk = reader.read(min(CHUNK, left))
        if not chunk:
            break
        left -= len(chunk)
        tail = (tail + chunk)[-keep:]
    return tail


class _AfterLine:
    """A stream that starts after the first line break (a tail starts on a line of its own)."""

    def __init__(self, reader: Any, encoding: str) -> None:
        self._reader = reader
        self._nl = b"\n\x00" if encoding.startswith("utf-16-le") else b"\x00\n" if encoding.startswith(
            "utf-16") else b"\n"
        self._skipped = False

    def read(self, size: int = -1) -> bytes:
        while not self._skipped:
            chunk = self._reader.read(CHUNK)
            if not chunk:
                self._skipped = True
                return b""
            step = len(self._nl)
            cut = chunk.find(self._nl)
            while cut >= 0 and cut % step:
                cut = chunk.find(self._nl, cut + 1)
            if cut >= 0:
                self._skipped = True
                return chunk[cut + step:]
        return self._reader.read(size)


def _is_utf16(data: bytes) -> bool:
    return sniff_encoding(data[:4096]).startswith("utf-16")


def _skip_partial_line(handle: Any, encoding: str) -> None:
    if encoding.startswith("utf-16"):
        while (pair := handle.read(2)) and pair not in (b"\n\x00", b"\x00\n"):
            pass
    else:
        handle.readline()


def _copy_redacted(handle: Any, sink: Any, encoding: str, redactor: Redactor, mid_file: bool, *,
                   lookback: bytes | None = None) -> None:
    """Stream ``handle`` through the redactor into ``sink``.

    ``mid_file``: the copy starts inside the file (the tail of a big log); the text just above the start
    (``lookback``, or read back from a seekable handle) primes the redactor, so that a key whose BEGIN line
    was cut off is still masked. UTF-16 is redacted as text and written back in its byte order; a BOM stays
    where the source had it.
    """
    if encoding.startswith("utf-16"):
        encoding = "utf-16-be" if encoding.startswith("utf-16-be") else "utf-16-le"
    stream = redactor.stream(encoding)
    if mid_file:
        if lookback is None:
            lookback = _read_back(handle, LOOKBACK, 2 if encoding.startswith("utf-16") else 1)
        if lookback:
            stream.prime(lookback)
    while chunk := handle.read(CHUNK):
        out = stream.feed(chunk)
        if out:
            sink.write(out)
    out = stream.finish()
    if out:
        sink.write(out)


def _read_back(handle: Any, n: int, align: int) -> bytes:
    try:
        pos = handle.tell()
        start = max(0, pos - n)
        start -= start % align
        handle.seek(start)
        data = handle.read(pos - start)
        handle.seek(pos)
        return data
    except (OSError, AttributeError, ValueError):
        return b""


def _zip_now() -> tuple[int, int, int, int, int, int]:
    import time

    t = time.localtime()
    return (max(t.tm_year, 1980), t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec)


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
            names = [n for n in zf.namelist() if n != "manifest.json"]
            for name in names:
                entry = listed.get(name)
                if entry is None:
                    raise BundleError(f"{path.name}: {name} is not listed in manifest.json")
                sha = hashlib.sha256()
                with zf.open(name) as member:
                    while chunk := member.read(CHUNK):
                        sha.update(chunk)
                if sha.hexdigest() != entry["sha256"]:
                    raise BundleError(f"{path.name}: {name} does not match its sha256 in manifest.json")
            missing = set(listed) - set(names)
            if missing:
                raise BundleError(f"{path.name}: manifest.json lists missing files: {sorted(missing)[:3]}")
            return manifest
    except (zipfile.BadZipFile, OSError) as exc:
        raise BundleError(f"{path.name} is not a readable zip: {exc}") from exc
