"""Windows event logs for the time window: Application and System as EVTX, plus a readable text extract.

The EVTX exports are whole and filtered by time inside wevtutil, so nothing is cut. The text extract holds
only the providers that matter for backups (Acronis, VSS, volsnap, disk, NTFS, application crashes): event
log XPath has no wildcard, so the Acronis provider names are first read from ``wevtutil ep``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from acronis_triage.collectors.base import Collector
from acronis_triage.collectors.commands import Outcome, run_step
from acronis_triage.collectors.context import Context
from acronis_triage.collectors.windows_support import scratch_dir

LOGS: tuple[str, ...] = ("Application", "System")
# Microsoft providers behind snapshot and disk failures (DOMAIN §5.4 step 5), per log.
KNOWN_PROVIDERS: dict[str, tuple[str, ...]] = {
    "Application": ("VSS", "SQLWRITER", "Application Error", "Application Hang", "Windows Error Reporting",
                    "Microsoft-Windows-Hyper-V-VMMS"),
    "System": ("volsnap", "disk", "Ntfs", "Microsoft-Windows-Ntfs", "storvsp", "Service Control Manager",
               "Microsoft-Windows-Kernel-Power", "EventLog",
               # Acronis drivers log under their driver names, which carry no "Acronis" to search for.
               "snapman", "file_protector", "file_tracker"),
}
TEXT_EVENTS_MAX = 2000


def window_ms(ctx: Context, now: datetime | None = None) -> tuple[int, int]:
    """(oldest, newest) ages in milliseconds for ``timediff(@SystemTime)``; newest is 0 when until is now."""
    now = now or datetime.now(UTC)
    newest = max(0, int((now - ctx.until).total_seconds() * 1000))
    if newest <= 60_000:
        # The run started moments ago: the window's own length, not "now minus since", which would grow by the
        # seconds the run has taken so far.
        newest = 0
    oldest = newest + max(0, int((ctx.until - ctx.since).total_seconds() * 1000))
    return oldest, newest


def time_clause(oldest: int, newest: int) -> str:
    clause = f"timediff(@SystemTime) <= {oldest}"
    if newest:
        clause += f" and timediff(@SystemTime) >= {newest}"
    return f"TimeCreated[{clause}]"


def provider_query(providers: tuple[str, ...] | list[str], oldest: int, newest: int) -> str:
    names = " or ".join(f"@Name='{p}'" for p in providers if "'" not in p)
    return f"*[System[Provider[{names}] and {time_clause(oldest, newest)}]]"


def acronis_publishers(text: str) -> list[str]:
    return sorted({line.strip() for line in text.splitlines() if "acronis" in line.lower()})


class WindowsEventLogs(Collector):
    name = "windows_eventlogs"
    title = "Windows event logs"
    description = ("Application and System event logs for the time window (EVTX), and the Acronis, VSS "
                   "and disk events as text.")
    platforms = ("windows",)
    needs_live = True
    priority = 30  # exports can take tens of seconds on a busy server; after the quick checks
    timeout_s = 300.0
    expected_duration_s = 30.0
    tags = ("eventlog", "windows")

    def collect(self, ctx: Context) -> None:
        oldest, newest = window_ms(ctx)
        query = f"*[System[{time_clause(oldest, newest)}]]"
        with scratch_dir(ctx) as folder:
            for index, log in enumerate(LOGS):
                ctx.progress(index / 4, f"exporting the {log} log")
                target = folder / f"{log}.evtx"
                step = run_step(ctx, ["wevtutil", "epl", log, str(target), f"/q:{query}", "/ow:true"],
                                f"wevtutil_epl_{log}.txt", timeout=60.0, store=False)
                if step.outcome is Outcome.MISSING:
                    return
                if step.ok:
                    if target.is_file():
                        ctx.writer.add_file(target, f"{log}.evtx", structured=True,
                                            display=f"{log} event log (wevtutil epl, last {oldest // 3_600_000} h)")
                    else:
                        ctx.writer.skip(f"{log}.evtx", "wevtutil reported success but wrote no file")
        publishers = run_step(ctx, ["wevtutil", "ep"], "wevtutil_ep.txt", timeout=30.0, store=False)
        acronis = acronis_publishers(publishers.text()) if publishers.ok else []
        for index, log in enumerate(LOGS):
            ctx.progress(0.5 + index / 4, f"reading {log} events as text")
            providers = [*KNOWN_PROVIDERS[log], *acronis]
            q = provider_query(providers, oldest, newest)
            run_step(ctx, ["wevtutil", "qe", log, f"/q:{q}", "/f:text", f"/c:{TEXT_EVENTS_MAX}", "/rd:true"],
                     f"{log.lower()}_acronis_vss_disk_events.txt", timeout=60.0, absent_is_normal=True)
        ctx.progress(1.0, "done")
