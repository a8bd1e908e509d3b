"""Acronis launchd jobs on macOS (DOMAIN §1.4): loaded or not, running (PID) or not, last exit status."""

from __future__ import annotations

import re

from acronis_triage.collectors.base import Collector
from acronis_triage.collectors.commands import QUICK_S, problem_of, store_filtered
from acronis_triage.collectors.context import Context

ACRONIS_LABEL = re.compile(r"(?i)com\.acronis\.")


def parse_launchctl_list(text: str) -> list[dict[str, object]]:
    """``PID<TAB>Status<TAB>Label`` rows; PID None when not running, Status the last exit (negative: signal)."""
    jobs: list[dict[str, object]] = []
    for line in text.splitlines():
        parts = line.split("\t") if "\t" in line else line.split()
        if len(parts) != 3 or parts[2] == "Label":
            continue
        pid, status, label = (p.strip() for p in parts)
        jobs.append({
            "label": label,
            "pid": int(pid) if pid.isdigit() else None,
            "last_exit_status": int(status) if status.lstrip("-").isdigit() else status,
        })
    return jobs


class MacosLaunchd(Collector):
    name = "macos_launchd"
    title = "Acronis launchd jobs"
    description = "launchctl list filtered for com.acronis jobs: which run, which stopped and how they last exited."
    platforms = ("darwin",)
    needs_live = True
    priority = 12
    timeout_s = 60.0
    expected_duration_s = 1.0
    tags = ("services", "macos")

    def collect(self, ctx: Context) -> None:
        ctx.progress(None, "launchctl list")
        result = ctx.run(("launchctl", "list"), timeout=QUICK_S)
        if result.error:
            ctx.writer.skip(result.command, result.error)
            return
        if not result.ok:
            ctx.writer.add_command("launchctl_list.txt", result)
            ctx.writer.skip(result.command, problem_of(result))
            return
        lines = store_filtered(ctx, "launchctl_list_acronis.txt", result, ACRONIS_LABEL, keep_header_lines=1)
        jobs = parse_launchctl_list("\n".join(lines))
        problems = []
        for job in jobs:
            if job["pid"] is None and job["last_exit_status"] not in (0, "-"):
                problems.append(f"{job['label']} is not running; it last exited with status {job['last_exit_status']}")
        note = ("launchctl list shows the jobs of the user running it; run as root for the system daemons"
                if not ctx.facts.is_admin else "")
        ctx.writer.add_json("acronis_launchd_jobs.json", {"jobs": jobs, "problems": problems, "note": note},
                            source="acronis-triage: launchctl list")
        ctx.progress(1.0, "done")
