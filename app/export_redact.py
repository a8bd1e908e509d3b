"""``--redact full``: the verified zip rewritten with names and addresses pseudonymised, the same way in every file.

Two readings of the bundle: the first (`Pseudonymiser.discover`) learns the names the system uses (its users,
hosts and domains, wherever a file shows what they are); the second streams every member through the one
redactor with the pseudonymiser plugged in, into a new bundle whose member names, manifest, findings, report and
escalation form are pseudonymised too, and which is verified like the first. Binary members (a database, an
event log file) cannot be pseudonymised: under ``--redact full`` they are left out, each listed with the reason.
The map goes beside the final bundle (0600), never inside it.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from acronis_triage.collectors.bundle import BINARY_NOTE, BundleWriter, _copy_redacted, _explicit_utf16
from acronis_triage.collectors.cancel import CancelToken
from acronis_triage.collectors.pseudonym import (
    Pseudonymiser,
    PseudonymMap,
    Seeds,
    seeds_from_live,
    seeds_from_manifest,
    seeds_from_root,
)
from acronis_triage.collectors.redact import MASK, Redactor
from acronis_triage.collectors.sniff import looks_binary
from acronis_triage.collectors.zip_redact import text_encoding

CHUNK = 1024 * 1024
HEAD = 64 * 1024
LEFT_OUT = "binary content cannot be pseudonymised: left out under --redact full"
_SAFE_KEY = re.compile(r"[^A-Za-z0-9._-]+")


class RedactionError(Exception):
    """The map cannot be used (unreadable, not a map); the message is the one line the user sees."""


def map_path_for(options: Any, output: Path) -> Path:
    """Where the map lives: --map, or beside the bundles under the --customer key, or beside this bundle."""
    if options.pseudonym_map is not None:
        return Path(options.pseudonym_map).expanduser()
    if options.customer:
        key = _SAFE_KEY.sub("-", options.customer).strip("-.") or "customer"
        return output.parent / f"acronis-triage-{key}.map.json"
    return output.parent / (output.name + ".map.json")


def load_map(path: Path, customer: str | None) -> PseudonymMap:
    if path.exists():
        try:
            return PseudonymMap.load(path)
        except ValueError as exc:
            raise RedactionError(str(exc)) from exc
    return PseudonymMap(customer=customer)


@dataclass
class FullRedaction:
    bundle: Path  # the pseudonymised, verified zip (in the staging folder)
    manifest: dict[str, Any]
    report: dict[str, Any]
    findings: dict[str, Any] | None
    host_pseudonym: str
    pmap: PseudonymMap
    options: Any
    map_path: Path | None = None

    def save_map(self, output: Path, work: Path) -> Path:
        """Write the map beside the final bundle (never inside it), 0600, whole or not at all."""
        from acronis_triage.app.export import write_private

        path = map_path_for(self.options, output)
        if path.parent.resolve() == work.resolve():
            raise RedactionError("the map cannot go into the staging folder")
        write_private(path, self.pmap.dumps(), work)
        self.map_path = path
        self.report["map"] = str(path)
        return path


@dataclass
class _Report:
    files: dict[str, dict[str, int]] = field(default_factory=dict)
    left_out: list[dict[str, str]] = field(default_factory=list)
    totals: Counter[str] = field(default_factory=Counter)

    def add(self, name: str, counts: Counter[str]) -> None:
        kept = {k: v for k, v in sorted(counts.items()) if v}
        if kept:
            self.files[name] = kept
            self.totals.update(kept)


def pseudonymise_run(stage: Path, work: Path, options: Any, settings: Any, output: Path, *,
                     disk_usage: Callable[[str], Any] = shutil.disk_usage,
                     cancel: CancelToken | None = None) -> FullRedaction:
    """The whole ``--redact full`` step: seeds, discovery, rewrite, verification. Raises `RedactionError`,
    `collectors.bundle.BundleError` or `DiskFull`."""
    with zipfile.ZipFile(stage) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    pmap = load_map(map_path_for(options, output), options.customer)
    seeds = Seeds()
    root = settings.root
    if root.live:
        seeds.merge(seeds_from_live())
    with contextlib.suppress(Exception):  # a root that cannot say its names still gets the structural ones
        seeds.merge(seeds_from_root(root))
    seeds.merge(seeds_from_manifest(manifest))
    if not root.live:
        seeds.add_host(root.path.name if len(root.path.name) >= 3 else None)
    for key, value in (settings.facts.identifiers or {}).items():
        if "host" in key.lower() or "machine_name" in key.lower():
            seeds.add_host(str(value))
    pseudonymiser = Pseudonymiser(pmap, seeds, options.keywords)
    return rewrite_bundle(stage, work / ("pseudonymised-" + stage.name), pseudonymiser, manifest, options,
                          disk_usage=disk_usage, cancel=cancel)


def rewrite_bundle(stage: Path, target: Path, pseudonymiser: Pseudonymiser, manifest: dict[str, Any],
                   options: Any = None, *, disk_usage: Callable[[str], Any] = shutil.disk_usage,
                   cancel: CancelToken | None = None) -> FullRedaction:
    # A cancel is not heeded here: what was collected is all there, and it must leave pseudonymised or not at all.
    records = {f["path"]: f for f in manifest.get("files", [])}
    with zipfile.ZipFile(stage) as zf:
        infos = [i for i in zf.infolist() if i.filename != "manifest.json" and not i.is_dir()]
        # 1. learn: every name and text, once, before anything is written
        for info in infos:
            pseudonymiser.discover(info.filename.encode("utf-8"))
            record = records.get(info.filename, {})
            pseudonymiser.discover(json.dumps(record, ensure_ascii=False).encode("utf-8"))
            if _is_binary_record(record):
                continue
            with zf.open(info) as fh:
                _discover_stream(fh, pseudonymiser)
        pseudonymiser.discover(json.dumps({k: v for k, v in manifest.items() if k != "files"},
                                          ensure_ascii=False).encode("utf-8"))
        # 2. rewrite through the redactor with the pseudonymiser plugged in
        redactor = Redactor(pseudonymiser=pseudonymiser)
        writer = BundleWriter(target, redactor=redactor, disk_usage=disk_usage)
        writer.open()
        report = _Report()
        try:
            for info in infos:
                record = records.get(info.filename, {})
                _rewrite_member(zf, info, record, writer, pseudonymiser, report)
            new_manifest = pseudonymiser.value({k: v for k, v in manifest.items() if k != "files"})
            report_json = {
                "mode": "full",
                "secrets": "masked in every text file (counted as 'secret')",
                "map_id": pseudonymiser.map.map_id,
                "dictionary": {"hosts": len(pseudonymiser.hosts), "users": len(pseudonymiser.users),
                               "domains": len(pseudonymiser.domains) + len(pseudonymiser.netbios),
                               "keywords": len(pseudonymiser.keywords)},
                "totals": dict(sorted(report.totals.items())),
                "files": report.files,
                "left_out": report.left_out,
            }
            new_manifest["redaction"] = report_json
            new_path = writer.finalize(new_manifest)
        except BaseException:
            writer.abort()
            raise
    new_manifest["files"] = writer.manifest_files
    findings = None
    with zipfile.ZipFile(new_path) as zf, contextlib.suppress(KeyError, ValueError):
        findings = json.loads(zf.read("analysis/findings.json"))
    host = str((manifest.get("host") or {}).get("hostname") or "machine")
    host_pseudonym = pseudonymiser.text(host) if not host.startswith("offline root ") else \
        "offline-" + pseudonymiser.text(host.removeprefix("offline root "))
    return FullRedaction(new_path, new_manifest, report_json, findings, host_pseudonym, pseudonymiser.map, options)


def _is_binary_record(record: dict[str, Any]) -> bool:
    return str(record.get("note", "")).startswith(BINARY_NOTE)


def _discover_stream(fh: IO[bytes], pseudonymiser: Pseudonymiser) -> None:
    head = fh.read(HEAD)
    if head.startswith(b"PK\x03\x04"):
        rest = fh.read()
        with zipfile.ZipFile(io.BytesIO(head + rest)) as inner:
            for info in inner.infolist():
                pseudonymiser.discover(info.filename.encode("utf-8"))
                with inner.open(info) as member:
                    _discover_stream(member, pseudonymiser)
        return
    if looks_binary(head):
        return
    encoding = text_encoding(head)
    if encoding.startswith("utf-16"):
        text = (head + fh.read()).decode(_explicit_utf16(encoding, head).replace("-bom", ""), errors="replace")
        pseudonymiser.discover(text.encode("utf-8"))
        return
    carry = b""
    block = head
    while block:
        data = carry + block
        cut = data.rfind(b"\n") + 1
        if cut:
            pseudonymiser.discover(data[:cut])
            carry = data[cut:]
        else:
            carry = data
        if len(carry) > 4 * CHUNK:
            pseudonymiser.discover(carry)
            carry = b""
        block = fh.read(CHUNK)
    if carry:
        pseudonymiser.discover(carry)


class _MaskCounter:
    """Counts the secrets' masks on the way out: the per-file 'secret' figure of the report."""

    def __init__(self, sink: Any) -> None:
        self.sink = sink
        self.masks = 0
        self._tail = b""

    def write(self, data: bytes) -> None:
        joined = self._tail + data
        self.masks += joined.count(MASK.encode()) - self._tail.count(MASK.encode())
        self._tail = joined[-(len(MASK) - 1):]
        self.sink.write(data)


def _rewrite_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, record: dict[str, Any], writer: BundleWriter,
                    pseudonymiser: Pseudonymiser, report: _Report) -> None:
    name = pseudonymiser.text(info.filename)
    if _is_binary_record(record):
        report.left_out.append({"path": name, "reason": LEFT_OUT})
        return
    with zf.open(info) as fh:
        head = fh.read(HEAD)
    nested = head.startswith(b"PK\x03\x04")
    if not nested and looks_binary(head):
        report.left_out.append({"path": name, "reason": LEFT_OUT})
        return
    box: dict[str, Any] = {}
    redactor = writer.redactor

    def produce(sink: Any) -> None:
        counter = _MaskCounter(sink)
        with pseudonymiser.counting() as counts, zf.open(info) as fh:
            if nested:
                box["dropped"] = _rewrite_zip(fh, counter, redactor, pseudonymiser)
            else:
                encoding = _explicit_utf16(text_encoding(head), head)
                _copy_redacted(fh, counter, encoding, redactor, False)
        if counter.masks:
            counts["secret"] += counter.masks
        box["counts"] = counts

    rec = writer.write_member(name, produce, source=pseudonymiser.text(str(record.get("source", ""))),
                              collector=str(record.get("collector") or ""), kind=str(record.get("kind") or "file"),
                              size_hint=info.file_size)
    rec.truncated = bool(record.get("truncated")) or rec.truncated
    if record.get("original_size") is not None:
        rec.original_size = record.get("original_size")
    note = pseudonymiser.text(str(record.get("note") or ""))
    dropped = box.get("dropped") or []
    if dropped:
        note = "; ".join(filter(None, [note, f"{len(dropped)} binary member(s) left out (--redact full)"]))
        for member in dropped:
            report.left_out.append({"path": f"{rec.path}!{member}", "reason": LEFT_OUT})
    rec.note = note
    report.add(rec.path, box.get("counts") or Counter())


def _rewrite_zip(fh: IO[bytes], sink: Any, redactor: Redactor, pseudonymiser: Pseudonymiser) -> list[str]:
    """A zip member of the bundle (an archive the collectors redacted member by member) rewritten the same way;
    its binary members left out. Returns their (pseudonymised) names."""
    import tempfile

    dropped: list[str] = []
    with tempfile.TemporaryFile(prefix="acronis-triage-") as spool:
        shutil.copyfileobj(fh, spool, CHUNK)
        spool.seek(0)
        out = tempfile.TemporaryFile(prefix="acronis-triage-")  # noqa: SIM115 - closed below
        try:
            with zipfile.ZipFile(spool) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
                for info in src.infolist():
                    if info.is_dir():
                        continue
                    name = pseudonymiser.text(info.filename)
                    with src.open(info) as member:
                        head = member.read(HEAD)
                    if looks_binary(head):
                        dropped.append(name)
                        continue
                    target = zipfile.ZipInfo(name, date_time=info.date_time)
                    target.compress_type = zipfile.ZIP_DEFLATED
                    with src.open(info) as member, dst.open(target, "w", force_zip64=True) as w:
                        _copy_redacted(member, _Writer(w), _explicit_utf16(text_encoding(head), head), redactor,
                                       False)
            out.seek(0)
            while block := out.read(CHUNK):
                sink.write(block)
        finally:
            out.close()
    return dropped


class _Writer:
    def __init__(self, handle: Any) -> None:
        self.write = handle.write
