"""Acronis log files of every product (agent, management server, installers, True Image), found by glob.

Text logs are taken when modified inside the time window and keep their tail up to the per-file cap; XML logs,
databases and binary logs are never cut. Compressed rotations (gzip, bzip2, xz) are stored decompressed and
redacted, keeping their tail like a text log; zip archives and tarballs are copied with every member redacted
(see `ArtifactWriter.add_archive`). Each file keeps its path from the target system inside the bundle
(``ProgramData/Acronis/BackupAndRecovery/MMS/mms.0.log``), and ``index.json`` says what each one is.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from acronis_triage.collectors.acronis_locations import STRUCTURED, TEXT_LOG, Finder, Found, bundle_name, locations_for
from acronis_triage.collectors.base import Collector, NotApplicable, Option
from acronis_triage.collectors.bundle import DEFAULT_FILE_CAP, FileRecord
from acronis_triage.collectors.context import Context
from acronis_triage.collectors.sniff import OPENED, archive_kind, looks_binary
from acronis_triage.collectors.sysroot import refusal_reason
from acronis_triage.collectors.textdecode import sniff_encoding

OLDER = "older than the time window"


def collector_option(ctx: Context, collector: str, key: str, default: Any) -> Any:
    """A collector option, given flat (``acronis_logs.max_file_mb``) or nested (``{"acronis_logs": {...}}``)."""
    flat = ctx.options.get(f"{collector}.{key}")
    if flat is not None:
        return flat
    nested = ctx.options.get(collector)
    if isinstance(nested, dict) and nested.get(key) is not None:
        return nested[key]
    return default


def sniff_form(path: Path, head: bytes) -> str:
    """``text``, ``xml``, ``json`` (a document, not JSON lines), ``gzip``, ``archive`` or ``binary``.

    ``head`` may start with NUL bytes (a log extended but never written, after a power loss): that is text.
    """
    kind = archive_kind(head)
    if kind == "gzip":
        return "gzip"
    if kind is not None:
        return "archive"
    if looks_binary(head):
        return "binary"
    start = len(head) - len(head.lstrip(b"\x00"))
    head = head[start - start % 2:]
    encoding = sniff_encoding(head)
    text = head.decode(encoding, errors="replace").lstrip("\ufeff \t\r\n")
    suffix = path.suffix.lower()
    if text.startswith(("<?xml", "<log")) or (suffix == ".xml" and text.startswith("<")):
        return "xml"
    if suffix == ".json":
        return "json"
    return "text"


class Stats:
    """Modification time and size of each candidate, asked of the system root once per file.

    The window, the choice of a tail and the index each wanted them: four ``stat`` calls through the root's guard
    per file, a good part of the per-file cost on a folder of 100,000 small logs. `forget` drops a file's entry once
    its index line is written, so memory does not grow with the number of files taken.
    """

    def __init__(self, ctx: Context) -> None:
        self._root = ctx.root
        self._seen: dict[Path, tuple[float, int] | None] = {}

    def get(self, path: Path) -> tuple[float, int] | None:
        try:
            return self._seen[path]
        except KeyError:
            pass
        try:
            info = self._root.stat(path)
            found: tuple[float, int] | None = (info.st_mtime, info.st_size)
        except OSError:
            found = None
        self._seen[path] = found
        return found

    def mtime(self, path: Path) -> float | None:
        found = self.get(path)
        return None if found is None else found[0]

    def size(self, path: Path) -> int:
        found = self.get(path)
        return 0 if found is None else found[1]

    def forget(self, path: Path) -> None:
        self._seen.pop(path, None)


class TimeWindow:
    """Which logs are recent enough.

    Live system, or a window the user set explicitly (``options["window_explicit"]``): the run's window.
    Offline root without an explicit window: a copy taken days ago (or the embedded demo, whose files carry
    whatever time they were unpacked at) would otherwise have every log "outside" a window ending now, so the
    window keeps its length but ends at the newest Acronis log's modification time.
    """

    def __init__(self, ctx: Context, candidates: list[Found], stats: Stats | None = None) -> None:
        self.ctx = ctx
        self.since = ctx.since
        self.anchored_at: datetime | None = None
        self._stats = stats or Stats(ctx)
        if ctx.root.live or ctx.options.get("window_explicit"):
            return
        mtimes = []
        for found in candidates:
            if found.location.kind == TEXT_LOG and not (found.refused or found.excluded):
                mtime = self._stats.mtime(found.path)
                if mtime is not None:
                    mtimes.append(mtime)
        if mtimes:
            self.anchored_at = datetime.fromtimestamp(max(mtimes), UTC)
            self.since = self.anchored_at - (ctx.until - ctx.since)

    def contains(self, path: Path) -> bool:
        mtime = self._stats.mtime(path)
        if mtime is None:
            return False
        return datetime.fromtimestamp(mtime, UTC) >= self.since

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"since": self.since.isoformat(timespec="seconds")}
        if self.anchored_at is not None:
            data["anchored_at_newest_log"] = self.anchored_at.isoformat(timespec="seconds")
        return data


class AcronisLogs(Collector):
    name = "acronis_logs"
    title = "Acronis logs"
    description = "Logs of every Acronis product (agent, management server, installer, True Image) in the time window."
    priority = 20
    timeout_s = 600.0
    expected_duration_s = 30.0
    tags = ("logs", "acronis")
    options = (
        Option("max_file_mb", DEFAULT_FILE_CAP // 2**20, "keep at most this many MiB (the tail) of each text log"),
    )

    def collect(self, ctx: Context) -> None:
        cap = max(1, int(float(collector_option(ctx, self.name, "max_file_mb", DEFAULT_FILE_CAP / 2**20)) * 2**20))
        ctx.progress(None, "looking for Acronis logs")
        finder = Finder(ctx.root)
        for folder, exclusion in finder.excluded:
            ctx.writer.exclude(ctx.root.display(folder), exclusion.reason)
        found: list[Found] = []
        for location in locations_for(ctx.target_os, (TEXT_LOG, STRUCTURED)):
            ctx.cancel.raise_if_cancelled()
            found.extend(finder.find(location))
        if not found:
            raise NotApplicable("no Acronis log files found in the known log folders of this system")
        stats = Stats(ctx)
        window = TimeWindow(ctx, found, stats)
        index: list[dict[str, Any]] = []
        for i, item in enumerate(found):
            ctx.cancel.raise_if_cancelled()
            shown = ctx.root.display(item.path)
            ctx.progress(i / len(found), shown)
            entry = {"path": shown, "product": item.location.product, "description": item.location.description}
            if item.set_aside(ctx.writer, shown):
                continue
            if item.location.kind == TEXT_LOG and not window.contains(item.path):
                ctx.writer.exclude(shown, OLDER)
                continue
            rec, how = self._take(ctx, item, shown, cap, stats)
            if rec is not None:
                index.append({**entry, "bundle_path": rec.path, "taken": how, "truncated": rec.truncated,
                              "modified": _iso(stats.mtime(item.path))})
            stats.forget(item.path)
        ctx.writer.add_json("index.json", {"time_window": window.to_json(), "files": index},
                            source="acronis-triage")
        ctx.progress(1.0, f"{len(index)} Acronis log files taken")

    def _take(self, ctx: Context, item: Found, shown: str, cap: int, stats: Stats) -> tuple[FileRecord | None, str]:
        name = bundle_name(ctx.root, item.path)
        # Opened once, through the root's guard, for the head and the copy: the guard's open is a good part of
        # a small log's cost.
        try:
            handle = ctx.root.open(item.path)
        except OSError as exc:
            ctx.writer.skip(shown, refusal_reason(exc))
            return None, ""
        try:
            head = handle.read(65536)
        except OSError as exc:
            handle.close()
            ctx.writer.skip(shown, refusal_reason(exc))
            return None, ""
        form = sniff_form(item.path, head)
        if form in ("gzip", "archive"):
            handle.close()
            kind = archive_kind(head)
            rec = ctx.writer.add_archive(item.path, name, display=shown, max_bytes=cap)
            return rec, "decompressed" if kind in OPENED and kind not in ("zip", "tar") else "redacted copy"
        if form in ("xml", "json", "binary") or item.location.kind == STRUCTURED:
            return ctx.writer.add_file(item.path, name, display=shown, structured=True, opened=handle), "whole"
        return ctx.writer.add_file(item.path, name, display=shown, max_bytes=cap, opened=handle), "tail" if stats.size(
            item.path) > cap else "whole"


def _iso(mtime: float | None) -> str:
    if mtime is None:
        return ""
    return datetime.fromtimestamp(mtime, UTC).isoformat(timespec="seconds")
