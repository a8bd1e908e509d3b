"""One collection run, end to end: collect → analyze → report and form → manifest → verified bundle.

The CLI and the GUI both call `run_collect`; they differ only in how they show its events. No Qt here.
"""

from __future__ import annotations

import json
import math
import platform
import re
import shutil
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from acronis_triage.analyzers.timewindow import EventWindow
from acronis_triage.app import TOOL_NAME, __version__
from acronis_triage.app.results import AnalysisReport
from acronis_triage.collectors.base import Collector, Status
from acronis_triage.collectors.bundle import BundleError, BundleWriter, DiskFull, FileRecord
from acronis_triage.collectors.cancel import CancelToken
from acronis_triage.collectors.context import Facts, running_elevated
from acronis_triage.collectors.engine import CollectorOutcome, Engine, EngineEvent, EventKind, RunSettings
from acronis_triage.collectors.facts import CAPTURED, HOSTNAME, LINUX_RELEASE, OS_DESCRIPTION, UPTIME_HOURS
from acronis_triage.collectors.registry import discover
from acronis_triage.collectors.runner import CommandRunner, SubprocessRunner
from acronis_triage.collectors.sysroot import SystemRoot

if TYPE_CHECKING:  # both import when a run needs them, not when the CLI starts
    from acronis_triage.analyzers.model import LogSource
    from acronis_triage.app.export import ExportOptions

MANIFEST_SCHEMA_VERSION = 1

EXIT_OK = 0
EXIT_NOTHING_WRITTEN = 1
EXIT_INCOMPLETE = 2
EXIT_USAGE = 64  # sysexits' EX_USAGE: the command line itself is wrong; nothing was started

# Collector ends that leave something out of the bundle: any of them makes the run incomplete (exit 2).
INCOMPLETE_STATUSES = frozenset({Status.PARTIAL, Status.TIMEOUT, Status.ERROR, Status.CANCELLED})
MAX_SINCE_DAYS = 36500.0  # a century: any longer window is a typing error, and dates before year 1 do not exist


class PipelineError(Exception):
    """A run that cannot produce a bundle; the message is the one line the user sees."""


class UsageError(PipelineError):
    """Options that cannot mean anything (an unknown collector, nothing left to run, an impossible window)."""


def check_since_days(days: float) -> float:
    """The time window in days, or `UsageError` saying what is accepted (nan, inf, 0, negative, 1e308 are not)."""
    if not (isinstance(days, int | float) and math.isfinite(days) and 0 < days <= MAX_SINCE_DAYS):
        raise UsageError(f"the time window must be a number of days greater than 0 and at most "
                         f"{MAX_SINCE_DAYS:g}, not {days!r}")
    return float(days)


@dataclass
class CollectOptions:
    """What the user asked for. Mirrors ``acronis-triage collect``'s options."""

    root: Path | None = None
    demo: bool = False
    since_days: float = 7.0
    window_explicit: bool = False  # the user chose --since; offline roots otherwise anchor it at their newest log
    output: Path | None = None
    only: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    include_slow: bool = True
    max_workers: int = 4
    signatures_dir: Path | None = None
    collector_options: dict[str, Any] = field(default_factory=dict)
    # Export (app.export): the verified zip is the default; anything else is a step after it.
    format: str = "zip"  # zip | 7z
    password: str | None = field(default=None, repr=False)  # never from the command line, never recorded
    split: int | None = None  # bytes per volume
    case_id: str | None = None
    redact: str = "secrets"  # secrets (always) | full (secrets, and names and addresses pseudonymised)
    pseudonym_map: Path | None = None  # --map: the private map to use and extend (reused for one customer)
    customer: str | None = None  # --customer: a map kept beside the bundles under this key
    keywords: tuple[str, ...] = field(default=(), repr=False)  # the technician's own terms to pseudonymise

    def to_json(self) -> dict[str, Any]:
        return {
            "root": str(self.root) if self.root else None,
            "demo": self.demo,
            "since_days": self.since_days,
            "window_explicit": self.window_explicit,
            "output": str(self.output) if self.output else None,
            "only": list(self.only),
            "exclude": list(self.exclude),
            "include_slow": self.include_slow,
            "max_workers": self.max_workers,
            "format": self.format,
            "encrypted": bool(self.password),
            "split_bytes": self.split,
            "case_id": self.case_id,
            "redact": self.redact,
            "keywords": len(self.keywords),  # how many, never which: they are the customer's own words
        }

    def export_options(self) -> ExportOptions:
        from acronis_triage.app.export import ExportOptions

        return ExportOptions(self.format, self.password, self.split)


@dataclass
class CollectResult:
    exit_code: int
    bundle: Path | None = None
    reason: str = ""
    outcomes: list[CollectorOutcome] = field(default_factory=list)
    findings: dict[str, Any] | None = None
    manifest: dict[str, Any] | None = None
    seconds: float = 0.0
    redaction: dict[str, Any] | None = None  # --redact full: counts per category and file, where the map is

    @property
    def analysis(self) -> AnalysisReport:
        """`findings` (the document written as ``analysis/findings.json``), typed for its readers."""
        return AnalysisReport.from_json(self.findings)

    def summary(self) -> dict[str, Any]:
        """The machine-readable summary ``collect --json`` prints."""
        return {
            "exit_code": self.exit_code,
            "bundle": str(self.bundle) if self.bundle else None,
            "reason": self.reason,
            "seconds": round(self.seconds, 2),
            "collectors": [o.to_json() for o in self.outcomes],
            "products": (self.manifest or {}).get("products", []),
            "findings": [f.summary_json() for f in self.analysis.findings],
            **({"redaction": {k: v for k, v in self.redaction.items() if k != "files"}}
               if self.redaction else {}),
        }


EventCallback = Callable[[EngineEvent], None]


def demo_root() -> Path:
    from acronis_triage.resources import resource_path

    return resource_path("demo")


def resolve_root(options: CollectOptions) -> SystemRoot:
    if options.demo:
        return SystemRoot.offline(demo_root(), "windows")
    if options.root is not None:
        try:
            return SystemRoot.offline(options.root)
        except ValueError as exc:
            raise PipelineError(str(exc)) from exc
    return SystemRoot.live_system()


def default_bundle_name(host: str, now: datetime | None = None, *, case_id: str | None = None,
                        suffix: str = ".zip") -> str:
    """``<case-id>-<host>-<UTC time>.zip`` (``acronis-triage-...`` without a case ID). Under ``--redact full``
    the host is its pseudonym: the name of the file must not say what its content hides."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in host)[:40] or "machine"
    return f"{case_id or 'acronis-triage'}-{safe}-{stamp}{suffix}"


def output_is_default(options: CollectOptions) -> bool:
    return options.output is None or Path(options.output).expanduser().is_dir()


def resolve_output(options: CollectOptions, host: str, now: datetime | None = None) -> Path:
    suffix = ".7z" if options.format == "7z" else ".zip"
    out = options.output
    if out is None:
        return Path.cwd() / default_bundle_name(host, now, case_id=options.case_id, suffix=suffix)
    out = Path(out).expanduser()
    if out.is_dir():
        return out / default_bundle_name(host, now, case_id=options.case_id, suffix=suffix)
    if out.suffix.lower() in (".zip", ".7z") and out.suffix.lower() != suffix:
        raise UsageError(f"--output {out.name} does not end in {suffix}, the format asked for (--format "
                         f"{options.format})")
    if out.suffix.lower() != suffix:
        out = out.with_name(out.name + suffix)
    return out


def check_export_options(options: CollectOptions) -> None:
    from acronis_triage.app.export import MIN_SPLIT, check_case_id
    from acronis_triage.app.export_formats import FORMATS

    if options.format not in FORMATS:
        raise UsageError(f"unknown format {options.format!r}; known: {', '.join(FORMATS)}")
    if options.split is not None and options.split < MIN_SPLIT:
        raise UsageError(f"volumes must be at least {MIN_SPLIT // 1024}K")
    if options.redact not in ("secrets", "full"):
        raise UsageError(f"unknown redaction {options.redact!r}; known: secrets, full")
    if options.password is not None and not options.password:
        raise UsageError("the pass phrase is empty")
    if options.case_id is not None:
        try:
            check_case_id(options.case_id)
        except ValueError as exc:
            raise UsageError(str(exc)) from exc
    if (options.pseudonym_map or options.customer or options.keywords) and options.redact != "full":
        raise UsageError("--map, --customer and --keyword belong to --redact full")


def select_collectors(options: CollectOptions, classes: list[type[Collector]]) -> list[type[Collector]]:
    known = {c.name for c in classes}
    unknown = sorted((set(options.only) | set(options.exclude)) - known)
    if unknown:
        raise UsageError(f"unknown collector(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    chosen = []
    for cls in classes:
        if options.only and cls.name not in options.only:
            continue
        if cls.name in options.exclude:
            continue
        if not options.include_slow and cls.is_slow() and cls.name not in options.only:
            continue
        chosen.append(cls)
    if not chosen and (options.only or options.exclude):
        asked = [f"--only {n}" for n in options.only] + [f"--exclude {n}" for n in options.exclude]
        raise UsageError(f"nothing to run: {' '.join(asked)} leaves no collector")
    return chosen


def host_facts(root: SystemRoot, facts: Facts) -> dict[str, Any]:
    if root.live:
        data: dict[str, Any] = {
            "hostname": socket.gethostname(),
            "os": root.os,
            "platform": platform.platform(),
            "uptime_hours": facts.get(UPTIME_HOURS),
            "elevated": facts.is_admin,
            "live": True,
        }
    else:
        data = {
            "hostname": facts.get(HOSTNAME) or f"offline root {root.path.name}",
            "os": root.os,
            "live": False,
            "root": str(root.path),
        }
    if os_description := facts.get(OS_DESCRIPTION):
        data["os_description"] = os_description
    if captured := facts.get(CAPTURED):
        data["captured"] = captured
    # On Linux the distribution and its version, as /etc/os-release names them (Python's platform string only
    # names the kernel and the C library).
    release = facts.get(LINUX_RELEASE)
    if not data.get("os_description") and release is not None and release.pretty_name:
        data["os_description"] = release.pretty_name
    return data


def run_collect(
    options: CollectOptions,
    *,
    on_event: EventCallback | None = None,
    cancel: CancelToken | None = None,
    runner: CommandRunner | None = None,
    disk_usage: Callable[[str], Any] = shutil.disk_usage,
    collectors: list[type[Collector]] | None = None,
) -> CollectResult:
    """Run a whole collection. Never raises for expected failures: the result says what happened."""
    started = time.monotonic()
    cancel = cancel or CancelToken()
    emit = on_event or (lambda event: None)
    try:
        check_since_days(options.since_days)
        root = resolve_root(options)
        discovery = discover()
        classes = select_collectors(options, collectors if collectors is not None else discovery.collectors)
        check_export_options(options)
        host = socket.gethostname() if root.live else "offline-" + root.path.name
        started_at = datetime.now(UTC)
        output = resolve_output(options, host, started_at)
    except UsageError as exc:
        return CollectResult(EXIT_USAGE, reason=str(exc))
    except PipelineError as exc:
        return CollectResult(EXIT_NOTHING_WRITTEN, reason=str(exc))

    from acronis_triage.app.export import ExportError, remove_staging, staging_folder, write_checksum
    from acronis_triage.app.export_redact import RedactionError

    export = options.export_options()
    # Anything but the plain zip is made from the verified zip in a private folder beside the final name: the
    # folder is all there is to remove after a failure or a second Ctrl+C.
    staged = not export.plain or options.redact == "full"
    work: Path | None = None
    try:
        if staged:
            if not output.parent.is_dir():
                raise BundleError(f"output folder {output.parent} does not exist")
            work = staging_folder(output)
        writer = BundleWriter(work / ("stage-" + output.with_suffix(".zip").name) if work else output,
                              disk_usage=disk_usage)
        writer.open()
    except (BundleError, DiskFull, OSError) as exc:
        remove_staging(work)
        return CollectResult(EXIT_NOTHING_WRITTEN, reason=_one_line(exc))

    emit(EngineEvent(EventKind.BUNDLE, text=str(work or writer.part_path)))
    redaction: dict[str, Any] | None = None
    try:
        facts = Facts(is_admin=running_elevated() if root.live else False)
        now = datetime.now(UTC)
        settings = RunSettings(
            root=root,
            since=now - timedelta(days=options.since_days),
            until=now,
            runner=runner or SubprocessRunner(),
            facts=facts,
            options={"since_days": options.since_days, "window_explicit": options.window_explicit,
                     **options.collector_options},
            max_workers=options.max_workers,
        )
        engine = Engine(settings, writer, cancel, emit)
        outcomes = engine.run(classes)
        if engine.disk_full is not None:
            raise engine.disk_full
        emit(EngineEvent(EventKind.PHASE, text="analyzing the collected logs"))
        writer.reopen_for_append()
        # The window is applied to events where it is known to be the user's (an explicit --since) or the live
        # machine's; an offline copy's window is anchored at its newest log's mtime by the log collector, which
        # says nothing about the times inside (the demo's files carry the time they were unpacked at).
        window = EventWindow(settings.since, settings.until) if root.live or options.window_explicit else None
        findings = _analyze(writer, options, cancel, root.os, root.live, window)
        writer.add_generated("analysis/findings.json", json.dumps(findings, indent=2, ensure_ascii=False))
        manifest = _manifest(options, settings, outcomes, discovery.load_errors, now)
        # secrets are masked as the collectors write: their count is known for the whole run, not per file
        manifest["redaction"] = {"mode": "secrets", "totals": {"secret": writer.redactor.replacements}}
        emit(EngineEvent(EventKind.PHASE, text="writing the report and the escalation form"))
        _write_documents(writer, manifest, findings, output.name)
        emit(EngineEvent(EventKind.PHASE, text="verifying the bundle"))
        bundle = writer.finalize(manifest)
        manifest["files"] = writer.manifest_files
        if work is not None:
            if options.redact == "full":
                from acronis_triage.app.export_redact import pseudonymise_run

                emit(EngineEvent(EventKind.PHASE, text="pseudonymising names and addresses"))
                full = pseudonymise_run(bundle, work, options, settings, output, disk_usage=disk_usage,
                                        cancel=cancel)
                bundle, manifest, redaction = full.bundle, full.manifest, full.report
                if output_is_default(options):
                    output = resolve_output(options, full.host_pseudonym, started_at)
                full.save_map(output, work)
                findings = full.findings if full.findings is not None else findings
            if not export.plain:
                emit(EngineEvent(EventKind.PHASE, text=f"writing the {export.format} bundle"
                                 + (" (encrypted)" if export.password else "")
                                 + (" in volumes" if export.split else "")))
            from acronis_triage.app.export import export_bundle

            bundle = export_bundle(bundle, output, export, work, disk_usage=disk_usage).bundle
        else:
            write_checksum(bundle)
    except DiskFull as exc:
        writer.abort()
        remove_staging(work)
        return CollectResult(EXIT_NOTHING_WRITTEN, reason=_one_line(exc), seconds=time.monotonic() - started)
    except (ExportError, RedactionError) as exc:
        writer.abort()
        remove_staging(work)
        return CollectResult(EXIT_NOTHING_WRITTEN, reason=_one_line(exc), seconds=time.monotonic() - started)
    except (BundleError, OSError) as exc:
        writer.abort()
        remove_staging(work)
        return CollectResult(EXIT_NOTHING_WRITTEN, reason=f"could not write the bundle: {_one_line(exc)}",
                             seconds=time.monotonic() - started)
    except BaseException:
        writer.abort()
        remove_staging(work)
        raise
    remove_staging(work)

    code, reason = _completeness(outcomes, AnalysisReport.from_json(findings), cancel)
    result = CollectResult(code, bundle, reason, outcomes, findings, manifest, time.monotonic() - started)
    result.redaction = redaction
    return result


def _completeness(outcomes: list[CollectorOutcome], analysis: AnalysisReport,
                  cancel: CancelToken) -> tuple[int, str]:
    """Exit code 2 whenever anything is missing: a collector that did not take everything it looked for
    (partial, skipped with a reason, timeout, error, cancelled), a collected file the analysis could not
    read, or a cancelled run. The reason names the first few."""
    missing = [o for o in outcomes if o.status in INCOMPLETE_STATUSES]
    not_analyzed = analysis.not_analyzed
    parts = []
    if cancel.is_cancelled():
        parts.append(f"run cancelled ({cancel.reason}); the bundle holds what was collected before")
    if missing:
        parts.append("; ".join(f"{o.name}: {o.status} ({o.reason})" for o in missing[:3])
                     + (f" (+{len(missing) - 3} more)" if len(missing) > 3 else ""))
    if not_analyzed:
        first = not_analyzed[0]
        parts.append(f"{len(not_analyzed)} collected file(s) could not be analyzed "
                     f"({first.path}: {first.reason})")
    if not parts:
        return EXIT_OK, ""
    return EXIT_INCOMPLETE, "; ".join(parts)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _analyze(writer: BundleWriter, options: CollectOptions, cancel: CancelToken,
             platform: str | None = None, live: bool = False, window: EventWindow | None = None) -> dict[str, Any]:
    from acronis_triage.analyzers.analyze import analyze_sources
    from acronis_triage.analyzers.model import LogSource
    from acronis_triage.analyzers.signatures import load_signatures

    signatures = load_signatures(options.signatures_dir) if options.signatures_dir else load_signatures()
    with writer.collected_members() as members:
        members = [(rec, opener) for rec, opener in members if not _is_own_listing(rec)]
        sources = [LogSource(rec.path, opener, rec.size, fork_safe=True) for rec, opener in members]
        zone = datetime.now().astimezone().tzinfo if live else _zone_of_logs(sources)
        result = analyze_sources(sources, signatures, cancel=cancel, platform=platform, naive_zone=zone,
                                 window=window)
    data = result.to_json()
    data["signature_problems"] = list(result.signature_problems) + [str(p) for p in signatures.problems]
    return data


_MMS_OFFSET = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[:.]\d{1,6}([+-]\d\d):?(\d\d) \d+ [A-Z][0-9A-F]{8}:")


def _zone_of_logs(sources: list[LogSource]) -> tzinfo | None:
    """An offline machine's UTC offset, as its own agent log writes it in every MMS line (DOMAIN.md §2.1): the zone
    of the times its other logs write without one. None (UTC) when no MMS log says."""
    from datetime import timedelta, timezone

    for source in sources:
        if not re.search(r"mms[^/]*\.log$", source.name):
            continue
        try:
            with source.open() as fh:
                head = fh.read(64 * 1024)
        except OSError:
            continue
        m = _MMS_OFFSET.search(head)
        if m:
            hours, minutes = int(m.group(1)), int(m.group(2))
            sign = -1 if hours < 0 or m.group(1).startswith(b"-") else 1
            return timezone(sign * timedelta(hours=abs(hours), minutes=minutes))
    return None


def _knowledge_version() -> dict[str, str]:
    from acronis_triage.analyzers.knowledge import current

    k = current()
    return {"version": k.version, "source": "shipped" if k.source == "shipped" else "imported pack"}


def _is_own_listing(rec: FileRecord) -> bool:
    # A collector's index.json lists the files it took (paths, products, sizes): no log text in it, and with
    # 100,000 files it is a 30 MB JSON document that took the analysis longer than all the logs together.
    return rec.source == "acronis-triage" and rec.path.endswith("/index.json")


def _manifest(options: CollectOptions, settings: RunSettings, outcomes: list[CollectorOutcome],
              load_errors: list[tuple[str, str]], now: datetime) -> dict[str, Any]:
    facts = settings.facts
    return {
        "schema_version": MANIFEST_SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": __version__, "knowledge": _knowledge_version()},
        "created_utc": now.isoformat(timespec="seconds"),
        "host": host_facts(settings.root, facts),
        "collected_on": {"hostname": socket.gethostname(), "platform": platform.platform(),
                         "python": platform.python_version()},
        "options": options.to_json(),
        "time_window": {"since": settings.since.isoformat(timespec="seconds"),
                        "until": settings.until.isoformat(timespec="seconds")},
        "products": [p.to_json() for p in facts.products],
        "identifiers": dict(facts.identifiers),
        "facts": facts.to_json(),
        "collectors": [o.to_json() for o in outcomes],
        "collector_load_errors": [{"module": m, "reason": r} for m, r in load_errors],
        **({"case_id": options.case_id} if options.case_id else {}),
        "export": options.export_options().describe(),
    }


def _write_documents(writer: BundleWriter, manifest: dict[str, Any], findings: dict[str, Any],
                     bundle_name: str) -> None:
    from acronis_triage.app.escalation import build_form
    from acronis_triage.app.report_html import render_report

    form = build_form(manifest, findings, bundle_name)
    writer.add_generated("escalation/escalation_form.json",
                         json.dumps(form.to_json(), indent=2, ensure_ascii=False))
    writer.add_generated("escalation/escalation_form.md", form.to_markdown())
    writer.add_generated("escalation/escalation_form.html", form.to_html())
    writer.add_generated("report.html", render_report(manifest, findings))
