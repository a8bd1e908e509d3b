"""Acronis services on Linux: systemd state of acronis_mms, aakore and any other Acronis unit, and their
journal for the time window (DOMAIN §1.3, §6.2; an OOM-killed acronis_mms shows up here as status=9/KILL)."""

from __future__ import annotations

import re
from datetime import datetime

from acronis_triage.collectors.base import Collector
from acronis_triage.collectors.commands import MAX_S, QUICK_S, first_line, run_and_store
from acronis_triage.collectors.context import Context

CORE_UNITS = ("acronis_mms", "aakore")
JOURNAL_MAX_LINES = 200_000
JOURNAL_MAX_BYTES = 25 * 1024 * 1024
_UNIT_HEAD = re.compile(r"^[●○×*↻]?\s*(?P<unit>[\w@.\-]+)\.service\b")
_NOT_FOUND = re.compile(r"Unit (?P<unit>[\w@.\-]+?)(?:\.service)? (?:could not be found|not found)")


def parse_list_units(text: str) -> list[str]:
    """Service names from ``systemctl list-units --plain --no-legend``."""
    units = []
    for line in text.splitlines():
        parts = line.split()
        if parts and parts[0].endswith(".service"):
            units.append(parts[0].removesuffix(".service"))
    return units


def parse_status(stdout: str, stderr: str) -> dict[str, dict[str, str | bool]]:
    """Per unit: found, and the ``Loaded:`` / ``Active:`` lines of ``systemctl status``."""
    units: dict[str, dict[str, str | bool]] = {}
    current: dict[str, str | bool] | None = None
    for line in stdout.splitlines():
        head = _UNIT_HEAD.match(line)
        if head and not line.startswith(" "):
            current = units.setdefault(head["unit"], {"found": True})
            continue
        key, sep, value = line.strip().partition(": ")
        if current is not None and sep and key in ("Loaded", "Active", "Main PID"):
            current[key.lower().replace(" ", "_")] = value.strip()
    for m in _NOT_FOUND.finditer(stderr):
        units.setdefault(m["unit"], {"found": False})
    return units


def journal_since(since: datetime) -> str:
    # journalctl before systemd 254 cannot parse ISO 8601 with a 'T'; local wall time is read everywhere.
    return since.astimezone().strftime("%Y-%m-%d %H:%M:%S")


class LinuxServices(Collector):
    name = "linux_services"
    title = "Acronis services (systemd)"
    description = "systemctl status of acronis_mms, aakore and other Acronis units, and their journal in the window."
    platforms = ("linux",)
    needs_live = True
    priority = 15
    timeout_s = 180.0
    expected_duration_s = 5.0
    tags = ("services", "linux")

    def collect(self, ctx: Context) -> None:
        ctx.progress(0.0, "systemctl list-units")
        listed = run_and_store(
            ctx, ("systemctl", "list-units", "--all", "--no-pager", "--plain", "--no-legend", "acronis*", "aakore*"),
            "systemctl_list_units_acronis.txt", timeout=QUICK_S * 2,
        )
        units = list(CORE_UNITS)
        if listed.ok:
            units += sorted(u for u in parse_list_units(listed.text()) if u not in units)
        ctx.progress(0.2, "systemctl status")
        status = run_and_store(ctx, ("systemctl", "status", *units, "--no-pager"), "systemctl_status.txt",
                               timeout=QUICK_S * 2)
        stderr = status.stderr.decode("utf-8", "replace")
        summary: dict[str, object] = {"units": parse_status(status.text(), stderr)}
        if "not been booted with systemd" in stderr or "Failed to connect to bus" in stderr:
            summary["systemd"] = f"not running: {first_line(stderr)}"
        ctx.progress(0.5, "journalctl")
        argv = ["journalctl"]
        for unit in units:
            argv += ["-u", unit]
        argv += ["--since", journal_since(ctx.since), "--no-pager", "-o", "short-iso", "-n", str(JOURNAL_MAX_LINES)]
        journal = run_and_store(ctx, argv, "journal_acronis.txt", timeout=MAX_S, max_output=JOURNAL_MAX_BYTES)
        journal_err = journal.stderr.decode("utf-8", "replace")
        if "insufficient permissions" in journal_err:
            ctx.writer.mark_partial("journalctl: only part of the journal is readable without root")
        if "No journal files were found" in journal_err:
            summary["journal"] = "no journal files on this machine (journald keeps no persistent or volatile log)"
        elif journal.ok:
            entries = sum(1 for line in journal.text().splitlines() if line and not line.startswith(("-- ", "#")))
            summary["journal"] = f"{entries} lines since {journal_since(ctx.since)} (local time)"
        ctx.writer.add_json("services_summary.json", summary, source="acronis-triage: systemctl status")
        ctx.progress(1.0, "done")
