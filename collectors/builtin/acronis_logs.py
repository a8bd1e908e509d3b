"""Acronis log files of every product (agent, management server, installers, True Image), found by glob.

Text logs are taken when modified inside the time window and keep their tail up to the per-file cap; XML logs,
databases, gzip rotations and binary logs are never cut. Each file keeps its path from the target system inside
the bundle (``ProgramData/Acronis/BackupAndRecovery/MMS/mms.0.log``), and ``index.json`` says what each one is.
"""

from __future__ import annotations

import zlib
from collections import deque
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from collectors.acronis_locations import STRUCTURED, TEXT_LOG, Finder, Found, bundle_name, locations_for
from collectors.base import Collector, NotApplicable, Option
from collectors.bundle import CHUNK, DEFAULT_FILE_CAP, FileRecord
from collectors.context import Context
from collectors.sysroot import refusal_reason
from collectors.textdecode import sniff_encoding

# Structured text is redacted in memory (the writer does not redact files it takes whole); above this it is
# skipped rather than copied with its secrets in it.
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
    """``text``, ``xml``, ``json`` (a document, not JSON lines), ``gzip`` or ``binary``."""
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    encoding = sniff_encoding(head)
    if not encoding.startswith("utf-16") and b"\x00" in head:
        return "binary"
    text = head.decode(encoding, errors="replace").lstrip("\ufeff \t\r\n")
    suffix = path.suffix.lower()
    if text.startswith(("<?xml", "<log")) or (suffix == ".xml" and text.startswith("<")):
        return "xml"
    if suffix == ".json":
        return "json"
    return "text"


class TimeWindow:
    """Which logs are recent enough.

    Live system, or a window the user set explicitly (``options["window_explicit"]``): the run's window.
    Offline root without an explicit window: a copy taken days ago (or the embedded demo, whose files carry
    whatever time they were unpacked at) would otherwise have every log "outside" a window ending now, so the
    window keeps its length but ends at the newest Acronis log's modification time.
    """

    def __init__(self, ctx: Context, candidates: list[Found]) -> None:
        self.ctx = ctx
        self.since = ctx.since
        self.anchored_at: datetime | None = None
        if ctx.root.live or ctx.options.get("window_explicit"):
            return
        mtimes = []
        for found in candidates:
            if found.location.kind == TEXT_LOG and not (found.refused or found.excluded):
                try:
                    mtimes.append(ctx.root.stat(found.path).st_mtime)
                except OSError:
                    continue
        if mtimes:
            self.anchored_at = datetime.fromtimestamp(max(mtimes), UTC)
            self.since = self.anchored_at - (ctx.until - ctx.since)

    def contains(self, path: Path) -> bool:
        if self.anchored_at is None:
            return self.ctx.in_window(path)
        try:
            return datetime.fromtimestamp(self.ctx.root.stat(path).st_mtime, UTC) >= self.since
        except OSError:
            return False

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
        window = TimeWindow(ctx, found)
        index: list[dict[str, Any]] = []
        for i, item in enumerate(found):
            ctx.cancel.raise_if_cancelled()
            shown = ctx.root.display(item.path)
            ctx.progress(i / len(found), shown)
            entry = {"path": shown, "product": item.location.product, "description": item.location.description}
            if item.refused:
                ctx.writer.skip(shown, item.refused)
                continue
            if item.excluded:
                ctx.writer.exclude(shown, item.excluded)
                continue
            if item.location.kind == TEXT_LOG and not window.contains(item.path):
                ctx.writer.exclude(shown, OLDER)
                continue
            rec, how = self._take(ctx, item, shown, cap)
            if rec is not None:
                index.append({**entry, "bundle_path": rec.path, "taken": how, "truncated": rec.truncated,
                              "modified": _mtime(ctx, item.path)})
        ctx.writer.add_json("index.json", {"time_window": window.to_json(), "files": index},
                            source="acronis-triage")
        ctx.progress(1.0, f"{len(index)} Acronis log files taken")

    def _take(self, ctx: Context, item: Found, shown: str, cap: int) -> tuple[FileRecord | None, str]:
        name = bundle_name(ctx.root, item.path)
        try:
            head = ctx.root.read_bytes(item.path, 4096)
        except OSError as exc:
            ctx.writer.skip(shown, refusal_reason(exc))
            return None, ""
        form = sniff_form(item.path, head)
        if form == "gzip":
            return _take_gzip(ctx, item.path, name, shown, cap), "decompressed"
        if form in ("xml", "json", "binary") or item.location.kind == STRUCTURED:
            return ctx.writer.add_file(item.path, name, display=shown, structured=True), "whole"
        return ctx.writer.add_file(item.path, name, display=shown, max_bytes=cap), "tail" if _size(
            ctx, item.path) > cap else "whole"


def _gunzip_tail(path: Path, cap: int, ctx: Context) -> tuple[bytes, int, str]:
    """The last ``cap`` decompressed bytes, the decompressed total, and what was wrong with the file, if anything.

    zlib rather than the gzip module: a rotation cut off mid-write still gives everything before the cut.
    """
    kept: deque[bytes] = deque()
    kept_len = total = 0
    inflater = zlib.decompressobj(wbits=31)
    damage = ""
    with ctx.root.open(path) as handle:
        while chunk := handle.read(CHUNK):
            ctx.cancel.raise_if_cancelled()
            while chunk:
                try:
                    out = inflater.decompress(chunk)
                except zlib.error as exc:
                    return b"".join(kept), total, f"damaged gzip after {total} bytes: {exc}"
                kept.append(out)
                kept_len += len(out)
                total += len(out)
                while kept and kept_len - len(kept[0]) >= cap:
                    kept_len -= len(kept.popleft())
                # A rotation may hold several gzip members one after another.
                chunk = inflater.unused_data if inflater.eof else b""
                if chunk:
                    inflater = zlib.decompressobj(wbits=31)
    if not inflater.eof:
        damage = f"gzip ends early (cut off after {total} bytes)"
    return b"".join(kept), total, damage


def _take_gzip(ctx: Context, path: Path, name: str, shown: str, cap: int) -> FileRecord | None:
    """A compressed rotation is stored decompressed (so it can be read and redacted), keeping its tail."""
    try:
        data, total, damage = _gunzip_tail(path, cap, ctx)
    except OSError as exc:
        ctx.writer.skip(shown, refusal_reason(exc))
        return None
    if not data and damage:
        ctx.writer.skip(shown, damage)
        return None
    cut = len(data) > cap
    if cut:
        data = data[-cap:]
        newline = data.find(b"\n")
        data = data[newline + 1:] if 0 <= newline < len(data) - 1 else data
    target = name[:-3] if name.lower().endswith(".gz") else name
    rec = ctx.writer.add_bytes(target, data, source=shown)
    notes = [f"decompressed from {path.name}"]
    if cut:
        rec.truncated = True
        rec.original_size = total
        notes.append(f"kept the last {len(data)} of {total} bytes")
    if damage:
        rec.truncated = True
        notes.append(damage)
        ctx.writer.mark_partial(f"{shown}: {damage}")
    rec.note = "; ".join(notes)
    return rec


def _size(ctx: Context, path: Path) -> int:
    try:
        return ctx.root.stat(path).st_size
    except OSError:
        return 0


def _mtime(ctx: Context, path: Path) -> str:
    try:
        return datetime.fromtimestamp(ctx.root.stat(path).st_mtime, UTC).isoformat(timespec="seconds")
    except OSError:
        return ""
