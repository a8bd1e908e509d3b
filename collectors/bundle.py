"""The bundle: one ZIP64 file streamed under a temporary name, verified, then renamed to its final name.

Layout::

    manifest.json                 every other file, with size, sha256, source and collector
    collected/<collector>/...     what the collectors gathered
    analysis/findings.json        what the analyzers found
    report.html
    escalation/escalation_form.{json,md,html}

Writers for many collectors share one archive, but no collector ever reads a source while holding it: each
member is streamed by its collector's own thread through the redactor, sha256 and deflate into a private
spool (memory, then an anonymous temporary file beside the bundle), and only the append of the finished,
compressed bytes to the archive takes the bundle lock. A read that never returns (a dead network share)
stalls its own collector, which the engine abandons at its timeout; the others and ``finalize`` go on.
A full disk, a cancel or a crash never leaves a file under the final name.

This module writes the bundle; the other concerns have their own modules, whose public names it re-exports:
`collectors.stream_redact` (redacting a stream on its way in), `collectors.bundle_deflate` (spools, parallel
blocks, reading members back), `collectors.bundle_verify` (checking a bundle) and `collectors.bundle_space`
(how much of the disk a bundle may use).
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import io
import json
import os
import shutil
import stat
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from acronis_triage.collectors.base import Cancelled
from acronis_triage.collectors.bundle_deflate import (
    BLOCK,
    CHUNK,
    DEFAULT_LEVEL,
    SPOOL_IN_MEMORY,
    Spool,
    open_member,
)
from acronis_triage.collectors.bundle_space import (
    FREE_SPACE_CHECK_EVERY,
    MIN_FREE_BYTES,
    DiskFull,
    DiskUsage,
    SpacePolicy,
)
from acronis_triage.collectors.bundle_verify import BundleError, verify_bundle, verify_written
from acronis_triage.collectors.cancel import CancelToken
from acronis_triage.collectors.positional_file import open_positional
from acronis_triage.collectors.redact import Redactor
from acronis_triage.collectors.runner import CommandResult
from acronis_triage.collectors.sniff import NOT_OPENED, OPENED, ZIP, archive_kind, looks_binary, sample_of
from acronis_triage.collectors.stream_redact import (
    LOOKBACK,
    AfterLine,
    copy_redacted,
    discard,
    explicit_utf16,
    is_utf16,
    skip_partial_line,
    text_copier,
    text_encoding,
)
from acronis_triage.collectors.sysroot import refusal_reason
from acronis_triage.collectors.textdecode import sniff_encoding

# The names this module had before it was split by concern (tests and the guided window's save import them here).
__all__ = [
    "BINARY_NOTE", "BLOCK", "CHUNK", "DEFAULT_FILE_CAP", "DEFAULT_LEVEL", "DEFAULT_STRUCTURED_CAP",
    "FREE_SPACE_CHECK_EVERY", "LOOKBACK", "MIN_FREE_BYTES", "SMALL_FILE", "SPOOL_IN_MEMORY", "ArtifactWriter",
    "BundleError", "BundleWriter", "DiskFull", "FileRecord", "SkipRecord", "manifest_json", "verify_bundle",
    "verify_written",
]
_copy_redacted = copy_redacted
_explicit_utf16 = explicit_utf16


BINARY_NOTE = "binary content: copied as it is, not redacted"
DEFAULT_FILE_CAP = 25 * 1024 * 1024  # sos's default: the tail of a log is what matters
DEFAULT_STRUCTURED_CAP = 100 * 1024 * 1024
SMALL_FILE = 64 * 1024  # read whole, in one call


@dataclass(slots=True)
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
        # Built by hand: dataclasses.asdict deep-copies every field and was most of the manifest's cost
        # with 100,000 members. Empty strings and None are left out; ``collector`` is always there.
        data: dict[str, Any] = {"path": self.path, "size": self.size}
        if self.sha256:
            data["sha256"] = self.sha256
        if self.source:
            data["source"] = self.source
        data["collector"] = self.collector or None  # generated files (analysis, report) belong to no collector
        data["truncated"] = self.truncated
        if self.original_size is not None:
            data["original_size"] = self.original_size
        if self.kind:
            data["kind"] = self.kind
        if self.note:
            data["note"] = self.note
        return data


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
        compresslevel: int = DEFAULT_LEVEL,
    ) -> None:
        self.final_path = Path(final_path)
        self.redactor = redactor or Redactor()
        self._space = SpacePolicy(self.final_path.parent, disk_usage, min_free)
        self._compresslevel = compresslevel
        # Held only to append finished members and to open, close or read the archive: never around a read
        # of a source, so nothing a collector waits for can stop another collector or finalize.
        self._lock = threading.RLock()
        self._zip: zipfile.ZipFile | None = None
        self.part_path: Path | None = None
        self.records: list[FileRecord] = []
        self.manifest_files: list[dict[str, Any]] = []
        self._names: set[str] = set()
        # Deflates the blocks of big members (see `_Blocks`); made when first needed and shut down (its threads
        # joined) when the collection ends, since the analysis forks its workers only from a single thread.
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()
        # (CRC-32, size, compressed size) of each member as it was written: what `finalize` checks the archive
        # read back from disk against.
        self._expected: dict[str, tuple[int, int, int]] = {}
        # Every temporary file of this run starts with this (the .part and the spools): `owns` recognises them.
        self._own_prefix = f".{self.final_path.name}."

    # ---- lifecycle

    def open(self) -> None:
        folder = self.final_path.parent
        if not folder.is_dir():
            raise BundleError(f"output folder {folder} does not exist")
        self.check_free_space(0)
        fd, tmp = tempfile.mkstemp(prefix=self._own_prefix, suffix=".part", dir=folder)
        try:
            _give_to_invoking_user(fd)
        finally:
            os.close(fd)
        self.part_path = Path(tmp)
        self._zip = zipfile.ZipFile(
            self.part_path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=self._compresslevel,
            allowZip64=True,
        )

    def _deflate_pool(self) -> Executor:
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 2, thread_name_prefix="deflate")
            return self._pool

    def _stop_pool(self) -> None:
        with self._pool_lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)

    def reopen_for_append(self) -> None:
        """Close the collection phase so it can be read back (analysis), then keep appending."""
        self._stop_pool()
        with self._lock:
            assert self._zip is not None and self.part_path is not None
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
        # Positional reads: the analysis forks workers that read members of this one open archive at once.
        with open_positional(self.part_path) as fh, zipfile.ZipFile(fh, "r") as reader:
            yield [(rec, functools.partial(open_member, reader, fh.fileno(), rec.path)) for rec in records]

    def finalize(self, manifest: dict[str, Any]) -> Path:
        """Write the manifest, close, verify the archive against what was written, and rename into place.

        Every member was hashed (sha256 for the manifest, CRC-32 for the zip) while it was written; the check
        reads the archive's central directory and local headers back from disk and requires every member, with
        the CRC and sizes it was written with, and nothing else, and the manifest read back (inflated, its CRC
        checked) equal to the one written. Inflating every member again (`verify_bundle`) cost as much as
        compressing them; the collected members are read back whole by the analysis anyway, CRC-checked.
        """
        self._stop_pool()
        with self._lock:
            assert self._zip is not None and self.part_path is not None
            self.manifest_files = [r.to_json() for r in self.records]
            data = manifest_json(manifest, self.manifest_files).encode("utf-8")
            self._account(len(data))
            try:
                self._zip.writestr("manifest.json", data)
                self._zip.close()
            except OSError as exc:
                if exc.errno == errno.ENOSPC:
                    raise DiskFull(self.disk_full_message()) from exc
                raise
            self._zip = None
        listed = {r.path for r in self.records}
        if listed != set(self._expected):
            raise BundleError(f"{self.final_path.name}: the manifest and the members written differ: "
                              f"{sorted(listed ^ set(self._expected))[:3]}")
        verify_written(self.part_path, self._expected, data)
        os.replace(self.part_path, self.final_path)
        self.part_path = None
        return self.final_path

    def abort(self) -> None:
        """Drop the temporary archive. Safe to call at any time, more than once."""
        self._stop_pool()
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
        self._space.check(needed)

    def disk_full_message(self, free: int | None = None) -> str:
        return self._space.full_message(free)

    def _account(self, n: int) -> None:
        self._space.account(n)

    def owns(self, path: Path | str) -> bool:
        """True for this run's own temporary files (the ``.part`` bundle, spools): never collected."""
        text = os.fspath(path)
        if not os.path.basename(text).startswith(self._own_prefix):  # the cheap test first: once per file
            return False
        try:
            return Path(text).parent.resolve() == self.final_path.parent.resolve()
        except OSError:
            return False

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
        accept: Callable[[], bool] | None = None,
        size_hint: int | None = None,
    ) -> FileRecord:
        """Stream one member; ``produce`` writes into the sink. Returns its manifest record.

        ``produce`` runs on the caller's thread without the bundle lock, into the member's own spool; only the
        append of the finished member takes the lock. ``accept`` is asked under the lock just before the
        append: a collector abandoned at its timeout while it was still reading adds nothing after its verdict.
        """
        if self._zip is None:
            raise Cancelled("the bundle is closed")
        record = FileRecord(name, 0, "", source, collector, kind=kind, original_size=original_size)
        spool = Spool(self.final_path.parent, self._own_prefix, self._compresslevel, size_hint, self._deflate_pool)
        try:
            sink = _HashingSink(spool, self, cancel)
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
            try:
                spool.finish()
            except OSError as exc:
                if exc.errno == errno.ENOSPC:
                    raise DiskFull(self.disk_full_message()) from exc
                raise
            record.size = sink.size
            record.sha256 = sink.sha.hexdigest()
            if record.note == "" and getattr(sink, "truncated", False):
                record.truncated = True
            if spool.compressed > SPOOL_IN_MEMORY:
                self.check_free_space(spool.compressed)
            with self._lock:
                if self._zip is None:
                    raise Cancelled("the bundle is closed")
                if accept is not None and not accept():
                    raise Cancelled("the collector's time is over")
                record.path = self._unique(name)
                self._append(record.path, spool)
                self.records.append(record)
        finally:
            spool.close()
        return record

    def _append(self, arcname: str, spool: Spool) -> None:
        # Caller holds the lock. What ZipFile.mkdir does for a directory, for a member whose compressed bytes,
        # CRC and sizes are already known: one local header (ZIP64 extra only where sizes need it; the central
        # directory and end records get ZIP64 from ZipFile.close as needed), the bytes, the bookkeeping.
        zf = self._zip
        assert zf is not None and zf.fp is not None
        info = zipfile.ZipInfo(arcname, date_time=_zip_now())
        info.compress_type = zipfile.ZIP_DEFLATED
        info.file_size = spool.size
        info.compress_size = spool.compressed
        info.CRC = spool.crc
        fp = zf.fp
        try:
            if fp.tell() != zf.start_dir:  # a seek flushes the write buffer: only when something moved it
                fp.seek(zf.start_dir)
            info.header_offset = zf.start_dir
            # ZipFile's own bookkeeping for a new member: private, so not in typeshed.
            zf._writecheck(info)  # type: ignore[attr-defined]
            zf._didModify = True  # type: ignore[attr-defined]
            fp.write(info.FileHeader())
            spool.copy_to(fp)
            zf.start_dir = fp.tell()
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                raise DiskFull(self.disk_full_message()) from exc
            raise
        zf.filelist.append(info)
        zf.NameToInfo[arcname] = info
        self._expected[arcname] = (spool.crc, spool.size, spool.compressed)

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
    # How source files are opened: the system root's guard (set by Context), so no collector's file leaves it.
    open_source: Callable[[Path], IO[bytes]] = field(default=lambda path: open(path, "rb"))  # noqa: SIM115

    def _not_read(self, source: str, exc: OSError) -> None:
        """A source that could not be opened: left out on purpose (the guard says so) or a skip with the reason."""
        if getattr(exc, "deliberate", False):
            self.exclude(source, refusal_reason(exc))
        else:
            self.skip(source, refusal_reason(exc))

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

    def _open(self) -> bool:
        return not self.closed

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
            kind=kind, cancel=self.cancel, accept=self._open, size_hint=len(data),
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
        rec = self.add_bytes(name, header + body if not is_utf16(body) else body, source=result.command,
                             redact=False, kind="command")
        rec.truncated = rec.truncated or result.truncated or result.timed_out
        if result.stderr.strip():
            self.add_bytes(name + ".stderr", result.stderr, source=result.command, kind="command")
        return rec

    def add_zip_redacted(self, path: Path, name: str | None = None, *, display: str | None = None) -> FileRecord | None:
        """Copy a zip another program made, with the text inside it redacted; never cut."""
        from acronis_triage.collectors.zip_redact import copy_zip_redacted

        self._check()
        source = display or str(path)
        try:
            handle = self.open_source(path)
        except OSError as exc:
            self._not_read(source, exc)
            return None
        with handle:
            return self._add_zip_redacted(handle, path, name, source, display, copy_zip_redacted)

    def _add_zip_redacted(self, handle: IO[bytes], path: Path, name: str | None, source: str,
                          display: str | None, copy_zip_redacted: Callable[..., Any]) -> FileRecord | None:
        redactor = self.bundle.redactor
        if self.bundle.owns(path):
            self.exclude(source, "this run's own unfinished bundle")
            return None
        try:
            if not zipfile.is_zipfile(handle):
                return self.add_file(path, name, display=display, structured=True)
            handle.seek(0)

            report_box: list[Any] = []
            rec = self.bundle.write_member(
                self._name(name or path.name),
                lambda sink: report_box.append(copy_zip_redacted(handle, sink, redactor, text_copier(redactor))),
                source=self._shown(source), collector=self.collector, cancel=self.cancel, accept=self._open,
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
        from acronis_triage.collectors.archives import ArchiveRefused, Limits, count_decompressed
        from acronis_triage.collectors.zip_redact import decompressed_name

        self._check()
        source = display or str(path)
        target = name or path.name
        try:
            with self.open_source(path) as handle:
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
            with self.open_source(path) as raw:
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
        encoding = explicit_utf16(text_encoding(head), head)
        truncated = total > max_bytes
        start = total - max_bytes if truncated else 0
        if encoding.startswith("utf-16"):
            start += start % 2

        def produce(sink: _HashingSink) -> None:
            from acronis_triage.collectors.archives import DecompressingReader

            with self.open_source(path) as raw:
                reader = DecompressingReader(raw, kind, Limits(), name=source)
                lookback = discard(reader, start, LOOKBACK)
                stream: Any = reader
                if truncated:
                    stream = AfterLine(reader, encoding)
                copy_redacted(stream, sink, encoding, redactor, truncated, lookback=lookback)

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
        from acronis_triage.collectors.archives import DecompressingReader, Limits
        from acronis_triage.collectors.zip_redact import copy_stream_redacted

        redactor = self.bundle.redactor
        report_box: list[Any] = []

        def produce(sink: _HashingSink) -> None:
            limits = Limits()
            with self.open_source(path) as raw:
                stream: Any = raw if kind is None else DecompressingReader(raw, kind, limits, name=source)
                report_box.append(copy_stream_redacted(target, stream, sink, redactor, text_copier(redactor),
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
        opened: IO[bytes] | None = None,
    ) -> FileRecord | None:
        """Copy a file into the bundle.

        Text logs over ``max_bytes`` keep their tail (from a line start) and are flagged ``truncated``.
        Structured files (XML, JSON, databases, event logs) are never cut: they are taken whole, or skipped
        with the reason when larger than the structured cap. Unreadable or locked files become skips.
        ``opened``: the file as the caller already opened it through `open_source` (to read its head first); it
        is read from its start and closed here. Opening through the root's guard is a good part of a small
        file's cost, so a collector that looks at a file before taking it need not open it twice.
        """
        source = display or str(path)
        target = name or path.name
        if opened is not None:
            handle = opened
            try:
                self._check()
                handle.seek(0)
            except OSError as exc:
                handle.close()
                self.skip(source, f"cannot read: {exc.strerror or exc}")
                return None
            except BaseException:
                handle.close()
                raise
        else:
            self._check()
            try:
                handle = self.open_source(path)
            except OSError as exc:
                self._not_read(source, exc)
                return None
        try:
            info = os.fstat(handle.fileno())
        except OSError as exc:
            handle.close()
            self.skip(source, f"cannot read: {exc.strerror or exc}")
            return None
        if not stat.S_ISREG(info.st_mode):
            # A FIFO or a device would block the read or never end; it is not a file a log can be.
            handle.close()
            self.skip(source, f"not a regular file ({_special_kind(info.st_mode)}); not opened")
            return None
        if self.bundle.owns(path):
            handle.close()
            self.exclude(source, "this run's own unfinished bundle")
            return None
        size = info.st_size
        if structured and size > DEFAULT_STRUCTURED_CAP:
            handle.close()
            self.skip(source, f"structured file of {size // (1024 * 1024)} MiB is over the cap; not cut")
            return None
        if size <= SMALL_FILE:
            # Most files are small: one read instead of a head read, a seek and 1 MiB chunk reads, each with
            # its syscalls and buffer. Read failures are what they would be in the copy: a truncated member.
            try:
                data = handle.read(SMALL_FILE + 1)
            except OSError:
                pass
            else:
                if len(data) <= SMALL_FILE:
                    handle.close()
                    handle = io.BytesIO(data)
                    size = len(data)
                else:
                    handle.seek(0)
        try:
            head = handle.read(4096)
            if redact and archive_kind(head) is not None:
                # archives are opened, never copied with their secrets inside
                handle.close()
                return self.add_archive(path, name, display=display, max_bytes=max_bytes)
            sample = sample_of(handle, size)
            binary = not redact or looks_binary(sample)
            encoding = text_encoding(sample) if not binary else sniff_encoding(head)
            truncated = not structured and size > max_bytes
            start = 0
            if truncated:
                start = size - max_bytes
                if encoding.startswith("utf-16"):
                    start += start % 2
            handle.seek(start)

            def produce(sink: _HashingSink) -> None:
                if truncated:
                    skip_partial_line(handle, encoding)
                # Structured files are redacted too (configs hold passwords), never cut; binary ones pass as is.
                if not binary:
                    copy_redacted(handle, sink, explicit_utf16(encoding, head), self.bundle.redactor, start > 0)
                else:
                    while chunk := handle.read(CHUNK):
                        sink.write(chunk)

            rec = self.bundle.write_member(
                self._name(target), produce, source=self._shown(source), collector=self.collector,
                cancel=self.cancel, original_size=size if truncated else None, accept=self._open,
                size_hint=min(size, max_bytes) if not structured else size,
            )
        finally:
            handle.close()
        if binary and redact:
            rec.note = BINARY_NOTE
        if truncated:
            rec.truncated = True
            rec.note = rec.note or f"kept the last {max_bytes // (1024 * 1024)} MiB of {size // (1024 * 1024)} MiB"
        return rec


def _special_kind(mode: int) -> str:
    for test, word in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return word
    return "a special file"


def _umask() -> int:
    # os.umask can only be read by setting it; /proc tells without touching it (other threads create files).
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    old = os.umask(0o077)  # the strictest sensible value for the instant it is set
    os.umask(old)
    return old


def _give_to_invoking_user(fd: int) -> None:
    """The bundle gets the mode any new file of the user would (mkstemp makes 0600), less any right for others:
    it holds a customer's logs, so never world-readable (0640 under umask 022). Under sudo it belongs to the
    user who ran sudo, so a bundle made as root can still be attached to a ticket by that user."""
    if os.name != "posix":
        return
    try:
        os.fchmod(fd, 0o666 & ~_umask() & ~0o007)
    except OSError:
        pass
    if os.geteuid() != 0:
        return
    try:
        uid, gid = int(os.environ["SUDO_UID"]), int(os.environ["SUDO_GID"])
    except (KeyError, ValueError):
        return
    try:
        os.fchown(fd, uid, gid)
    except OSError:
        pass


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


def _zip_now() -> tuple[int, int, int, int, int, int]:
    t = time.localtime()
    return (max(t.tm_year, 1980), t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec)


def manifest_json(manifest: dict[str, Any], files: list[dict[str, Any]]) -> str:
    """The manifest, indented, with ``files`` last and one member per line.

    One line per member reads and diffs well, and leaves the 100,000 records to json's C encoder (``indent``
    forces the pure-Python one: 8 s of a 100,000-file collect).
    """
    head = json.dumps({k: v for k, v in manifest.items() if k != "files"}, indent=2, ensure_ascii=False)
    lines = ",\n".join("    " + json.dumps(f, ensure_ascii=False) for f in files)
    body = f'"files": [\n{lines}\n  ]' if files else '"files": []'
    if head == "{}":
        return "{\n  " + body + "\n}"
    return head[:-2] + ",\n  " + body + "\n}"

